package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.IntegrityException;
import network.cocoon.sdk.TransportException;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.worker.testing.CrashableWorkerMain;
import network.cocoon.worker.testing.PaidWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's ledger under SIGKILL: a paid worker runs as a child JVM, three clients drive paid requests on
 * their own channels (single-shot and streamed), and the worker is killed at random moments, then restarted on
 * the same database, again and again. At the end every receipt a client holds is in the ledger and the ledger
 * holds no other; per channel the receipts chain without gaps or repeats, and the ledger's total equals what the
 * client owes by its receipts.
 */
class LedgerCrashTest {
    static final int KILLS = 16;
    static final int CHANNELS = 3;

    @TempDir
    Path dir;

    final HexFormat hex = HexFormat.of();
    final Random random = new Random(20261125);
    final byte[] operatorSeed = new byte[32];
    final byte[] devRootSeed = new byte[32];

    Process start(Path ledger, Path ready) throws Exception {
        Files.deleteIfExists(ready);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashableWorkerMain.class.getName(), ledger.toString(), hex.formatHex(operatorSeed),
                hex.formatHex(devRootSeed), ready.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("worker.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(ready)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("worker did not start: " + Files.readString(dir.resolve("worker.log")));
            }
            Thread.sleep(20);
        }
        return process;
    }

    @Test
    void killedWorkersLoseNoReceiptAndChargeNothingTwice() throws Exception {
        random.nextBytes(operatorSeed);
        random.nextBytes(devRootSeed);
        Path ledger = dir.resolve("ledger.db");
        Path ready = dir.resolve("ready");
        var policy = PaidWorker.policy(Ed25519KeyPair.fromSeed(devRootSeed));
        List<PaymentChannel> channels = new ArrayList<>();
        List<List<SignedReceipt>> held = new ArrayList<>();
        for (int c = 0; c < CHANNELS; c++) {
            channels.add(PaidWorker.channel(Ed25519KeyPair.generate(), PaymentChannel.randomChannelId(),
                    1_000_000_000_000L, 10_000_000L, SpendStore.directory(dir.resolve("client-" + c))).build());
            held.add(Collections.synchronizedList(new ArrayList<>()));
        }
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger recovered = new AtomicInteger();
        List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
        for (int round = 0; round <= KILLS; round++) {
            boolean last = round == KILLS;
            Process worker = start(ledger, ready);
            URI endpoint = URI.create(Files.readString(ready));
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < CHANNELS; c++) {
                int channel = c;
                Thread t = new Thread(() -> {
                    try (CocoonClient client = CocoonClient.builder().endpoint(endpoint).policy(policy)
                            .payment(channels.get(channel)).requestTimeout(Duration.ofSeconds(10)).build()) {
                        for (int i = 0; last ? i < 1 : true; i++) {
                            ChatRequest request = ChatRequest.builder().user("c" + channel + " r" + i).maxTokens(6)
                                    .build();
                            VerifiedCompletion answer = i % 2 == 0 ? client.chat(request)
                                    : client.chatStream(request, text -> { });
                            var payment = answer.payment().orElseThrow();
                            held.get(channel).addAll(payment.earlier());
                            recovered.addAndGet(payment.earlier().size());
                            held.get(channel).add(payment.receipt());
                        }
                    } catch (TransportException | IntegrityException | WorkerRejectedException e) {
                        // The worker died under this request: expected while it is being killed.
                        if (last) {
                            unexpected.add(e);
                        } else {
                            interrupted.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                });
                t.start();
                threads.add(t);
            }
            if (!last) {
                // Kill under traffic: once this incarnation has answered a paid request, at a random moment after.
                int before = held.stream().mapToInt(List::size).sum();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (held.stream().mapToInt(List::size).sum() == before && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                Thread.sleep(random.nextInt(800));
                worker.destroyForcibly(); // SIGKILL
                assertTrue(worker.waitFor(30, TimeUnit.SECONDS));
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertTrue(!t.isAlive(), "a client thread is stuck");
            }
            if (last) {
                worker.destroyForcibly();
                worker.waitFor(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(List.of(), unexpected, "only requests the kills interrupted may fail");
        System.out.printf("LedgerCrashTest: %d kills, %d requests interrupted, %d receipts recovered after a kill%n",
                KILLS, interrupted.get(), recovered.get());
        assertTrue(interrupted.get() >= KILLS / 2, "the kills hit requests in flight: " + interrupted.get());

        int total = 0;
        try (PaymentLedger books = PaymentLedger.open(ledger)) {
            for (int c = 0; c < CHANNELS; c++) {
                ChannelRecord record = channels.get(c).store().load(held.get(c).get(0).receipt().channel())
                        .orElseThrow();
                List<SignedReceipt> ledgerReceipts = books.receipts(record.address());
                assertEquals(new HashSet<>(held.get(c)), new HashSet<>(ledgerReceipts),
                        "the ledger holds exactly the receipts the client holds, channel " + c);
                assertEquals(held.get(c).size(), ledgerReceipts.size(), "no receipt held twice");
                long cumulative = 0;
                long seqno = 0;
                Set<String> requests = new HashSet<>();
                for (SignedReceipt signed : ledgerReceipts) {
                    var r = signed.receipt();
                    assertTrue(r.seqno() > seqno, "seqnos increase");
                    assertEquals(cumulative + r.amount(), r.cumulative(), "the totals chain without a gap");
                    assertTrue(requests.add(hex.formatHex(r.requestHash())), "no request is charged twice");
                    cumulative = r.cumulative();
                    seqno = r.seqno();
                }
                assertEquals(cumulative, books.channel(record.address()).orElseThrow().charged());
                assertEquals(cumulative, record.owed(), "what the client owes is what the ledger charged");
                assertEquals(List.of(), record.pending());
                total += ledgerReceipts.size();
            }
        }
    }
}
