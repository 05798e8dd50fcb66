package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise's commit runs while the answer is generated, and nothing of the answer leaves before it is durable.
 * The ledger's writes are held by taking its monitor (every write is {@code synchronized} on it): generation must
 * go on meanwhile, and the answer, single-shot or streamed, must wait. Had the commit stayed before generation,
 * the engine would never get past admission while the ledger is held, and these tests would time out.
 */
class PromiseCommitTest {
    static final long DEPOSIT = 1_000_000_000L;
    static final long WAIT_SECONDS = 60;

    @TempDir
    Path dir;

    /** Signals when it has generated a whole answer, and when it offers its first piece of text. */
    static final class SignallingEngine extends FixedAnswerEngine {
        /** Counted down by each answer: after the warm-up request, one more means the one under test. */
        final CountDownLatch generated = new CountDownLatch(2);
        final CountDownLatch firstTextOffered = new CountDownLatch(2);
        final AtomicInteger completed = new AtomicInteger();

        SignallingEngine(String answer) {
            super(answer);
        }

        @Override
        public Generation generate(GenerationRequest request, TokenSink sink) {
            boolean[] offered = new boolean[1];
            Generation generation = super.generate(request, text -> {
                if (!offered[0]) {
                    offered[0] = true;
                    firstTextOffered.countDown();
                }
                sink.accept(text);
            });
            completed.incrementAndGet();
            generated.countDown();
            return generation;
        }
    }

    /** Holds the ledger's monitor on a thread of its own until released. */
    static final class HeldLedger implements AutoCloseable {
        private final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread holder;

        HeldLedger(PaymentLedger ledger) throws InterruptedException {
            holder = new Thread(() -> {
                synchronized (ledger) {
                    held.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }, "ledger-holder");
            holder.start();
            assertTrue(held.await(WAIT_SECONDS, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            holder.join();
        }
    }

    static ChatRequest ask(String prompt) {
        return ChatRequest.builder().user(prompt).maxTokens(8).build();
    }

    CocoonClient payingClient(PaidWorker worker) {
        return worker.client(PaidWorker.channel(Ed25519KeyPair.generate(), PaymentChannel.randomChannelId(), DEPOSIT,
                10_000_000L, SpendStore.inMemory()).build());
    }

    @Test
    void aSingleShotAnswerIsGeneratedWhileThePromiseCommitsAndLeavesOnlyAfter() throws Exception {
        SignallingEngine engine = new SignallingEngine("42");
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try (PaidWorker paid = new PaidWorker(engine, dir.resolve("ledger.db"), Ed25519KeyPair.generate(), DEPOSIT);
             CocoonClient client = payingClient(paid)) {
            // The channel's first request reads its stored numbers from the ledger; later ones need it only to write.
            assertEquals("42", client.chat(ask("1+1")).content());
            Future<String> answer;
            try (HeldLedger held = new HeldLedger(paid.ledger)) {
                answer = caller.submit(() -> client.chat(ask("1+1")).content());
                assertTrue(engine.generated.await(WAIT_SECONDS, TimeUnit.SECONDS),
                        "the answer was not generated while the ledger was busy");
                // It cannot leave before its promise is durable, however long this waits.
                assertThrows(TimeoutException.class, () -> answer.get(300, TimeUnit.MILLISECONDS));
            }
            assertEquals("42", answer.get(WAIT_SECONDS, TimeUnit.SECONDS));
            ChannelRecord record = client.payments().get(0);
            PaymentLedger.ChannelState stored = paid.ledger.channel(record.address()).orElseThrow();
            assertEquals(record.seqno(), stored.seqno());
            assertEquals(record.owed(), stored.charged());
            assertEquals(2, paid.ledger.receipts(record.address()).size());
        } finally {
            caller.shutdownNow();
        }
    }

    @Test
    void aStreamedAnswersFirstChunkWaitsForThePromisesCommit() throws Exception {
        SignallingEngine engine = new SignallingEngine("123456");
        List<String> received = new CopyOnWriteArrayList<>();
        try (PaidWorker paid = new PaidWorker(engine, dir.resolve("ledger.db"), Ed25519KeyPair.generate(), DEPOSIT);
             CocoonClient client = payingClient(paid)) {
            assertEquals("123456", client.chat(ask("1+1")).content());
            CompletableFuture<String> answer;
            try (HeldLedger held = new HeldLedger(paid.ledger)) {
                answer = CompletableFuture.supplyAsync(() -> client.chatStream(ask("1+1"), received::add).content());
                assertTrue(engine.firstTextOffered.await(WAIT_SECONDS, TimeUnit.SECONDS),
                        "generation did not reach its first text while the ledger was busy");
                assertThrows(TimeoutException.class, () -> answer.get(300, TimeUnit.MILLISECONDS));
                assertEquals(List.of(), received, "a chunk left before the promise was durable");
            }
            assertEquals("123456", answer.get(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals("123456", String.join("", received));
            ChannelRecord record = client.payments().get(0);
            assertEquals(record.owed(), paid.ledger.channel(record.address()).orElseThrow().charged());
        }
    }

    @Test
    void aCommitThatFailsDuringGenerationWithholdsTheAnswerAndLaterPromisesAreStoredFirst() throws Exception {
        SignallingEngine engine = new SignallingEngine("42");
        try (PaidWorker paid = new PaidWorker(engine, dir.resolve("ledger.db"), Ed25519KeyPair.generate(), DEPOSIT);
             CocoonClient client = payingClient(paid)) {
            assertEquals("42", client.chat(ask("1+1")).content());
            long owed = client.payments().get(0).owed();
            // The database closed under the worker fails every write, as a full disk would.
            paid.ledger.close();
            WorkerRejectedException busy = assertThrows(WorkerRejectedException.class, () -> client.chat(ask("1+2")));
            assertEquals(ErrorCode.BUSY, busy.code());
            assertTrue(busy.getMessage().contains("cannot record payments"), busy.getMessage());
            assertEquals(2, engine.completed.get(), "the answer was generated while the commit ran, then withheld");
            assertTrue(paid.desk.ledgerFailing());
            // Now that the ledger is known to fail, a promise is stored before generation: nothing is generated.
            busy = assertThrows(WorkerRejectedException.class, () -> client.chat(ask("1+3")));
            assertEquals(ErrorCode.BUSY, busy.code());
            assertEquals(2, engine.completed.get());
            assertEquals(owed, client.payments().get(0).owed(), "nothing was charged for the withheld answers");
        }
    }
}
