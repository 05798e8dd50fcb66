package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's store under SIGKILL: a child JVM saves one record after another on a channel and says each seqno
 * once its save returned; it is killed at a random moment, again and again, on the same directory, through
 * appends and compactions. Each time, what the directory holds is the last save that returned or the one the
 * kill interrupted, never older; and while a process holds the directory, another is refused it.
 */
class SpendStoreCrashTest {
    static final int KILLS = 4;
    static final TonAddress CHANNEL = TonAddress.parse("0:" + "c3".repeat(32), "channel");
    static final BigInteger CHANNEL_ID = BigInteger.valueOf(77);

    @TempDir
    Path dir;

    /** The child: saves seqno after seqno from what the directory holds, printing each once durable. */
    public static void main(String[] args) {
        SpendStore store = SpendStore.directory(Path.of(args[0]));
        Ed25519KeyPair key = Ed25519KeyPair.generate();
        long seqno = store.load(CHANNEL).map(ChannelRecord::seqno).orElse(0L);
        while (true) {
            seqno++;
            SignedSemiChannel promise = SignedSemiChannel.sign(new SemiChannelState(CHANNEL_ID,
                    new SemiChannelBody(seqno, 10 * seqno), Optional.of(SemiChannelBody.INITIAL)), key);
            store.save(new ChannelRecord(CHANNEL, CHANNEL_ID, seqno, 10 * seqno, 0, Optional.of(promise),
                    Optional.empty(), List.of()));
            System.out.println(seqno);
            System.out.flush();
        }
    }

    @Test
    void killedWritersLoseNoSaveThatReturned() throws Exception {
        Random random = new Random(20261203);
        long before = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process writer = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    SpendStoreCrashTest.class.getName(), dir.toString()).redirectErrorStream(true).start();
            AtomicLong acknowledged = new AtomicLong(-1);
            StringBuilder other = new StringBuilder();
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        if (line.matches("[0-9]+")) {
                            acknowledged.set(Long.parseLong(line));
                        } else {
                            other.append(line).append('\n');
                        }
                    }
                } catch (java.io.IOException e) {
                    // the stream closes when the writer dies
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.get() < 0) {
                assertTrue(writer.isAlive() && System.nanoTime() < deadline, "the writer did not start: " + other);
                Thread.sleep(5);
            }
            var refused = assertThrows(PaymentException.class, () -> SpendStore.directory(dir).load(CHANNEL));
            assertEquals(Reason.STORE_FAILED, refused.reason());
            assertTrue(refused.getMessage().contains("another process"), refused.getMessage());

            // A number of saves rather than a time: on a loaded machine a time could pass with too few of them.
            long target = acknowledged.get() + 100 + random.nextInt(150);
            while (acknowledged.get() < target) {
                assertTrue(writer.isAlive() && System.nanoTime() < deadline, "the writer stopped: " + other);
                Thread.sleep(1);
            }
            // SIGKILL, at whatever point of a save the writer has reached. Through its handle, not
            // Process.destroyForcibly, which also closes the writer's output: the lines it printed but the reader
            // had not yet read would be lost, and a slow reader would then report an older save than the last.
            writer.toHandle().destroyForcibly();
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
            reader.join(TimeUnit.SECONDS.toMillis(30));
            long last = acknowledged.get();
            long stored = FileSpendStore.stored(dir, CHANNEL).orElseThrow().seqno();
            assertTrue(stored == last || stored == last + 1,
                    "kill " + kill + ": the writer had saved " + last + ", the directory holds " + stored);
            assertTrue(last > before, "each writer saved something: " + other);
            before = stored;
        }
        System.out.printf("SpendStoreCrashTest: %d kills, %d saves, journal %d bytes%n", KILLS, before,
                java.nio.file.Files.size(dir.resolve("channel-0-" + "c3".repeat(32) + ".journal")));
        assertTrue(before > 2 * FileSpendStore.COMPACT_BYTES / 400, "the kills ran through compactions: " + before);
        assertEquals(before, SpendStore.directory(dir).load(CHANNEL).orElseThrow().seqno());
    }
}
