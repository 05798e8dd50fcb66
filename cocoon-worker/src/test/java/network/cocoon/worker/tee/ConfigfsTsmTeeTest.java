package network.cocoon.worker.tee;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import network.cocoon.sdk.crypto.Digests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configfs-tsm file protocol against a fake kernel: a thread that, like the TDX guest driver, gives each
 * new report entry its attributes and answers every {@code inblob} write by bumping {@code generation} and
 * publishing a "quote" over the report data.
 */
class ConfigfsTsmTeeTest {
    @TempDir
    Path root;
    FakeKernel kernel;

    @AfterEach
    void stop() throws InterruptedException {
        if (kernel != null) {
            kernel.stop();
        }
    }

    /** The fake quote: a marker and the SHA-256 of the report data. */
    static byte[] fakeQuote(byte[] reportData) {
        byte[] digest = Digests.sha256(reportData);
        byte[] quote = new byte[4 + digest.length];
        System.arraycopy("TDXQ".getBytes(StandardCharsets.US_ASCII), 0, quote, 0, 4);
        System.arraycopy(digest, 0, quote, 4, digest.length);
        return quote;
    }

    final class FakeKernel implements Runnable {
        final String provider;
        final int extraWrites;
        final AtomicInteger served = new AtomicInteger();
        private final Map<Path, Long> seen = new HashMap<>();
        private final Thread thread = new Thread(this, "fake-configfs-tsm");
        private volatile boolean running = true;

        FakeKernel(String provider, int extraWrites) {
            this.provider = provider;
            this.extraWrites = extraWrites;
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (running) {
                try (var entries = Files.list(root)) {
                    for (Path entry : (Iterable<Path>) entries::iterator) {
                        serve(entry);
                    }
                    Thread.sleep(1);
                } catch (IOException | InterruptedException e) {
                    // The entry vanished or the test ended; look again.
                }
            }
        }

        private void serve(Path entry) throws IOException {
            if (!Files.exists(entry.resolve("provider"))) {
                // Attributes appear with the entry, generation first so a reader never misses it.
                publish(entry, "generation", "0\n".getBytes(StandardCharsets.US_ASCII));
                publish(entry, "provider", (provider + "\n").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            Path inblob = entry.resolve("inblob");
            // The kernel sees one 64-byte write; a plain file can be caught truncated, half written.
            if (!Files.exists(inblob) || Files.size(inblob) != 64) {
                return;
            }
            long modified = Files.getLastModifiedTime(inblob).toMillis() ^ Files.size(inblob)
                    ^ java.util.Arrays.hashCode(Files.readAllBytes(inblob));
            if (Long.valueOf(modified).equals(seen.get(entry))) {
                return;
            }
            seen.put(entry, modified);
            long generation = Long.parseLong(Files.readString(entry.resolve("generation")).trim()) + 1 + extraWrites;
            publish(entry, "generation", (generation + "\n").getBytes(StandardCharsets.US_ASCII));
            publish(entry, "outblob", fakeQuote(Files.readAllBytes(inblob)));
            served.incrementAndGet();
        }

        /** Kernel attributes read whole: publish each by rename so a reader never sees half a write. */
        private void publish(Path entry, String name, byte[] content) throws IOException {
            Path temp = entry.resolve("." + name);
            Files.write(temp, content);
            Files.move(temp, entry.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(1000);
        }
    }

    @Test
    void quotesBindTheReportDataThroughTheFileProtocol() {
        kernel = new FakeKernel("tdx_guest", 0);
        ConfigfsTsmTee tee = ConfigfsTsmTee.open(root);
        byte[] reportData = new byte[64];
        for (int i = 0; i < 64; i++) {
            reportData[i] = (byte) i;
        }
        assertArrayEquals(fakeQuote(reportData), tee.evidence(reportData));
        assertEquals("tdx", tee.platform());
        assertTrue(kernel.served.get() >= 2, "one quote at open, one for the request");
        assertThrows(IllegalArgumentException.class, () -> tee.evidence(new byte[32]));
    }

    @Test
    void anotherProviderIsRefused() {
        kernel = new FakeKernel("sev_guest", 0);
        var e = assertThrows(TeeUnavailableException.class, () -> ConfigfsTsmTee.open(root));
        assertTrue(e.getMessage().contains("sev_guest"), e.getMessage());
    }

    @Test
    void concurrentWritersAreDetected() {
        kernel = new FakeKernel("tdx_guest", 1);
        var e = assertThrows(TeeUnavailableException.class, () -> ConfigfsTsmTee.open(root));
        assertTrue(e.getMessage().contains("concurrent"), e.getMessage());
    }

    @Test
    void aMachineWithoutConfigfsTsmFailsClosed(@TempDir Path empty) {
        assertThrows(TeeUnavailableException.class, () -> ConfigfsTsmTee.open(empty.resolve("tsm/report")));
    }
}
