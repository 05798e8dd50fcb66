package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import network.cocoon.worker.testing.Ext4Image;
import network.cocoon.worker.testing.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's disk full or read-only under a running paid worker. Documented behaviour (docs/operators.md):
 * <ul>
 *   <li>a promise that cannot be stored: the request gets a signed {@code busy} with {@code Retry-After}, nothing
 *       of it is sent (the first request to meet the failure was generated while its promise committed; later
 *       ones are refused before generation, see {@code PromiseCommitTest}), and {@code /readyz} says
 *       {@code ledger_unavailable} for ten seconds;</li>
 *   <li>a receipt that cannot be recorded after generation: the answer is withheld ({@code internal_error}, a
 *       fixed text; in a stream, a sealed failure event), and nothing is charged;</li>
 *   <li>once the disk takes writes again, paid requests go on without a restart, and the client's receipts and
 *       the ledger's agree, with no gap and no charge for what was refused.</li>
 * </ul>
 * Full and read-only disks are real: a small tmpfs filled to ENOSPC, and an ext4 image the kernel remounts
 * read-only after a file-system error, under the running worker's open ledger (skipped where the test cannot
 * mount them).
 */
class LedgerFaultTest {
    static final long DEPOSIT = 1_000_000_000L;

    @TempDir
    Path dir;

    final Ed25519KeyPair operatorKey = Ed25519KeyPair.generate();

    static ChatRequest ask(String prompt) {
        return ChatRequest.builder().user(prompt).maxTokens(8).build();
    }

    static HttpResponse<String> readyz(URI endpoint) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/readyz")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    CocoonClient payingClient(PaidWorker worker) {
        return worker.client(PaidWorker.channel(Ed25519KeyPair.generate(), PaymentChannel.randomChannelId(), DEPOSIT,
                10_000_000L, SpendStore.inMemory()).build());
    }

    static void assertBusyAndUnprocessed(CocoonClient client, FixedAnswerEngine engine, String prompt) {
        int calls = engine.calls.get();
        WorkerRejectedException busy = assertThrows(WorkerRejectedException.class, () -> client.chat(ask(prompt)));
        assertEquals(ErrorCode.BUSY, busy.code());
        assertEquals(Optional.of(Duration.ofSeconds(1)), busy.retryAfter());
        assertTrue(busy.getMessage().contains("cannot record payments"), busy.getMessage());
        // The engine was asked once (admission runs inside it); whatever it made did not leave the worker.
        assertEquals(calls + 1, engine.calls.get());
    }

    /** What the client holds and what the ledger holds are the same receipts, and they chain with no gap. */
    static void assertAgree(PaidWorker worker, ChannelRecord record, List<SignedReceipt> held) {
        List<SignedReceipt> ledger = worker.ledger.receipts(record.address());
        assertEquals(held, ledger);
        long cumulative = 0;
        for (SignedReceipt r : ledger) {
            cumulative += r.receipt().amount();
            assertEquals(cumulative, r.receipt().cumulative(), "receipts chain with nothing charged in between");
        }
        assertEquals(cumulative, record.owed());
        assertEquals(cumulative, worker.ledger.channel(record.address()).orElseThrow().charged());
    }

    @Test
    void aLedgerThatTakesNoWritesGetsSignedBusyRefusalsAndTheWorkerSaysSo() throws Exception {
        // Anywhere, without a mount: the database closed under the worker fails every write as a full disk would.
        FixedAnswerEngine engine = new FixedAnswerEngine("42");
        try (PaidWorker worker = new PaidWorker(engine, dir.resolve("ledger.db"), operatorKey, DEPOSIT);
             CocoonClient client = payingClient(worker)) {
            assertEquals("42", client.chat(ask("1+1")).content());
            assertEquals(200, readyz(worker.server.endpoint()).statusCode());
            worker.ledger.close();
            assertBusyAndUnprocessed(client, engine, "1+2");
            HttpResponse<String> ready = readyz(worker.server.endpoint());
            assertEquals(503, ready.statusCode());
            assertEquals("{\"status\":\"ledger_unavailable\"}", ready.body());
        }
    }

    @Test
    void aFullDiskRefusesPaidRequestsUntilItHasRoomAgain() throws Exception {
        Optional<Tmpfs> mounted = Tmpfs.mount(dir.resolve("disk"), "2m");
        assumeTrue(mounted.isPresent(), "cannot mount a tmpfs here (needs Linux and root)");
        try (Tmpfs disk = mounted.get()) {
            FixedAnswerEngine engine = new FixedAnswerEngine("42");
            try (PaidWorker worker = new PaidWorker(engine, disk.dir().resolve("ledger.db"), operatorKey, DEPOSIT);
                 CocoonClient client = payingClient(worker)) {
                List<SignedReceipt> held = new ArrayList<>();
                held.add(client.chat(ask("1+1")).payment().orElseThrow().receipt());
                disk.fill();
                assertBusyAndUnprocessed(client, engine, "1+2");
                assertBusyAndUnprocessed(client, engine, "1+3");
                assertEquals("{\"status\":\"ledger_unavailable\"}", readyz(worker.server.endpoint()).body());
                disk.free();
                for (int i = 0; i < 3; i++) {
                    VerifiedCompletion answer = i == 1 ? client.chatStream(ask("2+" + i), t -> { })
                            : client.chat(ask("2+" + i));
                    held.add(answer.payment().orElseThrow().receipt());
                }
                assertEquals(200, readyz(worker.server.endpoint()).statusCode(), "a write succeeded: ready again");
                assertAgree(worker, client.payments().get(0), held);
            }
        }
    }

    @Test
    void aDiskTurnedReadOnlyUnderTheWorkerGetsSignedBusyRefusalsAndKeepsWhatWasCommitted() throws Exception {
        Optional<Ext4Image> mounted = Ext4Image.mount(dir.resolve("disk.img"), dir.resolve("disk"), 16);
        assumeTrue(mounted.isPresent(), "cannot mount an ext4 image here (needs Linux, root, loop and e2fsprogs)");
        try (Ext4Image disk = mounted.get()) {
            FixedAnswerEngine engine = new FixedAnswerEngine("42");
            List<SignedReceipt> held = new ArrayList<>();
            ChannelRecord record;
            PaidWorker worker = new PaidWorker(engine, disk.dir().resolve("ledger.db"), operatorKey, DEPOSIT);
            try (CocoonClient client = payingClient(worker)) {
                held.add(client.chat(ask("1+1")).payment().orElseThrow().receipt());
                held.add(client.chatStream(ask("1+2"), t -> { }).payment().orElseThrow().receipt());
                disk.failReadOnly();
                assertBusyAndUnprocessed(client, engine, "1+3");
                assertBusyAndUnprocessed(client, engine, "1+4");
                assertEquals("{\"status\":\"ledger_unavailable\"}", readyz(worker.server.endpoint()).body());
                record = client.payments().get(0);
            } finally {
                try {
                    worker.close();
                } catch (PaymentLedger.LedgerException e) {
                    // Closing cannot checkpoint on a read-only disk; what was committed is in the WAL.
                }
            }
            disk.repairAndRemount();
            try (PaymentLedger reopened = PaymentLedger.open(disk.dir().resolve("ledger.db"))) {
                assertEquals(held, reopened.receipts(record.address()), "every committed receipt survived");
                assertEquals(record.owed(), reopened.channel(record.address()).orElseThrow().charged());
            }
        }
    }

    @Test
    void aLedgerOnAReadOnlyDiskIsRefusedAtStart() throws Exception {
        Optional<Tmpfs> mounted = Tmpfs.mount(dir.resolve("disk"), "4m");
        assumeTrue(mounted.isPresent(), "cannot mount a tmpfs here (needs Linux and root)");
        try (Tmpfs disk = mounted.get()) {
            PaymentLedger.open(disk.dir().resolve("ledger.db")).close();
            disk.readOnly(true);
            PaymentLedger.LedgerException e = assertThrows(PaymentLedger.LedgerException.class,
                    () -> PaymentLedger.open(disk.dir().resolve("ledger.db")));
            assertEquals("cannot open the payment ledger", e.getMessage());
            disk.readOnly(false);
        }
    }

    @Test
    void aWriteThatFailedOnAFullDiskLeavesNothingAndTheNextOneCommitsOnce() throws Exception {
        Optional<Tmpfs> mounted = Tmpfs.mount(dir.resolve("disk"), "2m");
        assumeTrue(mounted.isPresent(), "cannot mount a tmpfs here (needs Linux and root)");
        try (Tmpfs disk = mounted.get(); PaymentLedger ledger = PaymentLedger.open(disk.dir().resolve("l.db"))) {
            Ed25519KeyPair clientKey = Ed25519KeyPair.generate();
            var fresh = new network.cocoon.sdk.payment.ChannelParameters(PaymentChannel.randomChannelId(),
                    clientKey.publicKey(),
                    operatorKey.publicKey(), PaidWorker.CLIENT_WALLET, PaidWorker.PAYOUT,
                    new network.cocoon.sdk.payment.ClosingConfig(3600, 0, 0), 0);
            ledger.storePromise(fresh, promise(fresh, clientKey, 1, 1000));
            var first = receipt(fresh, 1, 300, 300);
            ledger.recordReceipt(fresh.address(), first);
            disk.fill();
            var second = receipt(fresh, 2, 200, 500);
            assertThrows(PaymentLedger.LedgerException.class,
                    () -> ledger.storePromise(fresh, promise(fresh, clientKey, 2, 1000)));
            assertThrows(PaymentLedger.LedgerException.class, () -> ledger.recordReceipt(fresh.address(), second));
            disk.free();
            // Had the failed writes left a transaction behind, these would fail on commit or on a duplicate key.
            ledger.storePromise(fresh, promise(fresh, clientKey, 2, 1000));
            ledger.recordReceipt(fresh.address(), second);
            assertEquals(List.of(first, second), ledger.receipts(fresh.address()));
            assertEquals(500, ledger.channel(fresh.address()).orElseThrow().charged());
            assertEquals(2, ledger.channel(fresh.address()).orElseThrow().seqno());
            assertThrows(PaymentLedger.LedgerException.class, () -> ledger.recordReceipt(fresh.address(), second),
                    "recorded once");
        }
    }

    static network.cocoon.sdk.payment.SignedSemiChannel promise(network.cocoon.sdk.payment.ChannelParameters channel,
                                                               Ed25519KeyPair clientKey, long seqno, long sent) {
        var state = new network.cocoon.sdk.payment.SemiChannelState(channel.channelId(),
                new network.cocoon.sdk.payment.SemiChannelBody(seqno, sent), Optional.empty());
        return network.cocoon.sdk.payment.SignedSemiChannel.sign(state, clientKey);
    }

    SignedReceipt receipt(network.cocoon.sdk.payment.ChannelParameters channel, long seqno, long amount,
                          long cumulative) {
        var r = new network.cocoon.sdk.payment.Receipt(channel.address(), channel.channelId(), seqno, new byte[32],
                new byte[32], 1, 1, PaidWorker.PRICE, amount, cumulative, 1_700_000_000L);
        return SignedReceipt.sign(r, Ed25519KeyPair.generate());
    }

    @Test
    void aReceiptThatCannotBeRecordedWithholdsTheAnswerAndChargesNothing() throws Exception {
        Optional<Tmpfs> mounted = Tmpfs.mount(dir.resolve("disk"), "2m");
        assumeTrue(mounted.isPresent(), "cannot mount a tmpfs here (needs Linux and root)");
        try (Tmpfs disk = mounted.get()) {
            // The disk fills while the answer is generated: after the promise is stored (it commits during
            // generation, so the engine waits for it), before the receipt.
            Runnable[] awaitPromiseStored = new Runnable[1];
            FixedAnswerEngine engine = new FixedAnswerEngine("42") {
                @Override
                public Generation generate(GenerationRequest request, TokenSink sink) {
                    Generation g = super.generate(request, sink);
                    if (request.messages().get(0).content().startsWith("fill")) {
                        awaitPromiseStored[0].run();
                        try {
                            disk.fill();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                    return g;
                }
            };
            try (PaidWorker worker = new PaidWorker(engine, disk.dir().resolve("ledger.db"), operatorKey, DEPOSIT);
                 CocoonClient client = payingClient(worker)) {
                List<SignedReceipt> held = new ArrayList<>();
                held.add(client.chat(ask("1+1")).payment().orElseThrow().receipt());
                awaitPromiseStored[0] = () -> {
                    // The client stores what it promised before sending it.
                    ChannelRecord promised = client.payments().get(0);
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (worker.ledger.channel(promised.address()).orElseThrow().seqno() < promised.seqno()) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("the promise was not stored within 30 s");
                        }
                        Thread.onSpinWait();
                    }
                };

                WorkerRejectedException single = assertThrows(WorkerRejectedException.class,
                        () -> client.chat(ask("fill 1")));
                assertEquals(ErrorCode.INTERNAL_ERROR, single.code());
                assertTrue(single.getMessage().contains("nothing is charged"), single.getMessage());
                disk.free();

                StringBuilder streamed = new StringBuilder();
                WorkerRejectedException stream = assertThrows(WorkerRejectedException.class,
                        () -> client.chatStream(ask("fill 2"), streamed::append));
                assertEquals(ErrorCode.INTERNAL_ERROR, stream.code());
                assertEquals(200, stream.httpStatus(), "a sealed failure event, inside the stream");
                assertEquals("42", streamed.toString(), "the text came, unsigned: never handed out as an answer");
                disk.free();

                held.add(client.chat(ask("1+2")).payment().orElseThrow().receipt());
                assertAgree(worker, client.payments().get(0), held);
            }
        }
    }
}
