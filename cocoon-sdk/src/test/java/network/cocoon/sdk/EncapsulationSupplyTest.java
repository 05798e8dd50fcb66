package network.cocoon.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.crypto.OpenedRequest;
import network.cocoon.sdk.crypto.SealingException;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import org.junit.jupiter.api.Test;

class EncapsulationSupplyTest {
    private static final HpkeSuite AES = HpkeSuite.X25519_SHA256_AES128GCM;
    private static final HpkeSuite CHACHA = HpkeSuite.X25519_SHA256_CHACHA20POLY1305;
    private final byte[] body = "{\"messages\":[\"secret prompt\"]}".getBytes(StandardCharsets.UTF_8);

    /** Runs the background work only when the test says so. */
    private static final class HeldExecutor implements java.util.concurrent.Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    private static KeyConfig config(HpkeKeyPair key) {
        return new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, key.publicKey(), List.of(AES, CHACHA));
    }

    private static String enc(byte[] message) {
        return java.util.HexFormat.of().formatHex(message, 7, 39);
    }

    @Test
    void anEncapsulationMadeAheadIsUsedByTheNextRequestAndNeverAgain() throws Exception {
        HpkeKeyPair key = HpkeKeyPair.generate();
        KeyConfig config = config(key);
        HeldExecutor background = new HeldExecutor();
        EncapsulationSupply supply = new EncapsulationSupply(background);

        byte[] first = supply.take(config, AES).seal(body);
        assertEquals(1, background.tasks.size(), "the next encapsulation is asked for");
        background.runAll();
        assertEquals(true, supply.hasReady());
        byte[] second = supply.take(config, AES).seal(body);
        assertEquals(false, supply.hasReady(), "the ready encapsulation went to this request");
        // Not run: the third request finds nothing ready and encapsulates on its own thread.
        byte[] third = supply.take(config, AES).seal(body);
        assertEquals(1, background.tasks.size(), "one encapsulation is made at a time");

        Set<String> encs = new HashSet<>();
        for (byte[] sealed : List.of(first, second, third)) {
            assertArrayEquals(body, OpenedRequest.open(sealed, config, key).body());
            encs.add(enc(sealed));
        }
        assertEquals(3, encs.size(), "every request has its own ephemeral key");
    }

    @Test
    void oneMadeForAnotherKeyOrSuiteIsDropped() throws Exception {
        HpkeKeyPair oldKey = HpkeKeyPair.generate();
        HpkeKeyPair newKey = HpkeKeyPair.generate();
        HeldExecutor background = new HeldExecutor();
        EncapsulationSupply supply = new EncapsulationSupply(background);
        supply.take(config(oldKey), AES).seal(body);
        background.runAll();

        // The worker rotated its key: the request must be sealed to the new one only.
        KeyConfig rotated = config(newKey);
        byte[] sealed = supply.take(rotated, AES).seal(body);
        assertArrayEquals(body, OpenedRequest.open(sealed, rotated, newKey).body());
        assertThrows(SealingException.class, () -> OpenedRequest.open(sealed, config(oldKey), oldKey));

        background.runAll();
        byte[] other = supply.take(rotated, CHACHA).seal(body);
        OpenedRequest opened = OpenedRequest.open(other, rotated, newKey);
        assertEquals(CHACHA, opened.suite());
    }

    @Test
    void withoutABackgroundExecutorEachRequestEncapsulatesItself() throws Exception {
        HpkeKeyPair key = HpkeKeyPair.generate();
        EncapsulationSupply supply = new EncapsulationSupply(null);
        byte[] a = supply.take(config(key), AES).seal(body);
        byte[] b = supply.take(config(key), AES).seal(body);
        assertEquals(false, supply.hasReady());
        assertArrayEquals(body, OpenedRequest.open(b, config(key), key).body());
        assertEquals(false, enc(a).equals(enc(b)));
    }

    @Test
    void concurrentRequestsNeverShareAnEncapsulation() throws Exception {
        HpkeKeyPair key = HpkeKeyPair.generate();
        KeyConfig config = config(key);
        ExecutorService background = Executors.newCachedThreadPool();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            EncapsulationSupply supply = new EncapsulationSupply(background);
            Set<String> encs = ConcurrentHashMap.newKeySet();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(callers.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        byte[] sealed = supply.take(config, AES).seal(body);
                        if (!encs.add(enc(sealed))) {
                            throw new AssertionError("an ephemeral key was used twice");
                        }
                        OpenedRequest.open(sealed, config, key);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertEquals(800, encs.size());
        } finally {
            callers.shutdownNow();
            background.shutdownNow();
        }
    }
}
