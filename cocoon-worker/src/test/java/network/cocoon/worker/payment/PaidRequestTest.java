package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.Tariff;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paid requests through the real SDK and a real worker on loopback: every answer carries a receipt the client
 * verified, the worker's ledger holds exactly the receipts the client holds, and their totals agree.
 */
class PaidRequestTest {
    static final long DEPOSIT = 1_000_000_000L;
    static final long CAP = 10_000_000L;

    @TempDir
    Path dir;

    final Ed25519KeyPair operatorKey = Ed25519KeyPair.generate();
    final Ed25519KeyPair clientKey = Ed25519KeyPair.generate();
    final BigInteger channelId = PaymentChannel.randomChannelId();

    static ChatRequest ask(String prompt) {
        return ChatRequest.builder().user(prompt).maxTokens(8).build();
    }

    static void assertLedgerMatches(PaidWorker worker, TonAddress channel, List<SignedReceipt> held) {
        List<SignedReceipt> ledger = worker.ledger.receipts(channel);
        assertEquals(Set.copyOf(held), Set.copyOf(ledger), "the ledger holds exactly the receipts the client holds");
        long sum = ledger.stream().mapToLong(r -> r.receipt().amount()).sum();
        assertEquals(sum, worker.ledger.channel(channel).orElseThrow().charged());
        assertEquals(sum, ledger.stream().mapToLong(r -> r.receipt().cumulative()).max().orElse(0));
    }

    @Test
    void singleAndStreamedAnswersCarryVerifiedReceipts() throws Exception {
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("42"), dir.resolve("ledger.db"), operatorKey,
                DEPOSIT);
             CocoonClient client = worker.client(PaidWorker.channel(clientKey, channelId, DEPOSIT, CAP,
                     SpendStore.inMemory()).build())) {
            List<SignedReceipt> held = new ArrayList<>();
            long owed = 0;
            for (int i = 0; i < 5; i++) {
                StringBuilder streamed = new StringBuilder();
                VerifiedCompletion answer = i % 2 == 0 ? client.chat(ask("1+" + i))
                        : client.chatStream(ask("1+" + i), streamed::append);
                assertEquals("42", answer.content());
                var payment = answer.payment().orElseThrow();
                var r = payment.receipt().receipt();
                assertEquals(i + 1, r.seqno());
                assertEquals(3, r.promptTokens());
                assertEquals(2, r.completionTokens());
                assertEquals(Tariff.amount(PaidWorker.PRICE, 3, 2), r.amount());
                owed += r.amount();
                assertEquals(owed, payment.owed());
                held.add(payment.receipt());
            }
            ChannelRecord record = client.payments().get(0);
            assertEquals(owed, record.owed());
            assertEquals(5, record.seqno());
            assertLedgerMatches(worker, record.address(), held);

            // The operator's close from its ledger: the latest promise, signed by the client, in a start close.
            var params = new network.cocoon.sdk.payment.ChannelParameters(channelId, clientKey.publicKey(),
                    operatorKey.publicKey(), PaidWorker.CLIENT_WALLET, PaidWorker.PAYOUT,
                    new network.cocoon.sdk.payment.ClosingConfig(3600, 0, 0), 0);
            assertEquals(record.address(), params.address());
            ChannelSettlement settlement = new ChannelSettlement(worker.ledger, worker.settings);
            assertEquals(Optional.of(params), settlement.parameters(record.address()));
            byte[] start = settlement.startUncooperativeClose(record.address()).orElseThrow();
            assertTrue(start.length > 200);
            var close = settlement.cooperativeClose(record.address(), DEPOSIT).orElseThrow();
            byte[] both = close.message(params, close.sign(clientKey), settlement.sign(close));
            assertTrue(both.length > 100);
            assertEquals(Optional.empty(), settlement.startUncooperativeClose(PaidWorker.CLIENT_WALLET));
        }
    }

    @Test
    void concurrentRequestsOnOneChannelAreNeitherLostNorChargedTwice() throws Exception {
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("ok"), dir.resolve("ledger.db"), operatorKey,
                DEPOSIT);
             CocoonClient client = worker.client(PaidWorker.channel(clientKey, channelId, DEPOSIT, CAP,
                     SpendStore.directory(dir.resolve("client"))).build())) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<VerifiedCompletion>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String prompt = "q" + i;
                boolean stream = i % 3 == 0;
                answers.add(pool.submit(() -> stream ? client.chatStream(ask(prompt), t -> { })
                        : client.chat(ask(prompt))));
            }
            List<SignedReceipt> held = new ArrayList<>();
            Set<Long> seqnos = new HashSet<>();
            Set<Long> cumulatives = new HashSet<>();
            for (Future<VerifiedCompletion> f : answers) {
                SignedReceipt receipt = f.get().payment().orElseThrow().receipt();
                held.add(receipt);
                assertTrue(seqnos.add(receipt.receipt().seqno()), "a seqno paid twice");
                assertTrue(cumulatives.add(receipt.receipt().cumulative()), "a cumulative amount repeated");
            }
            pool.shutdown();
            assertEquals(40, seqnos.size());
            assertEquals(40L, seqnos.stream().mapToLong(Long::longValue).max().orElseThrow());
            assertLedgerMatches(worker, client.payments().get(0).address(), held);
            assertEquals(held.stream().mapToLong(r -> r.receipt().amount()).sum(), client.payments().get(0).owed());
        }
    }

    /** The worker counts ten tokens a character, beyond the SDK's bound: a sealed 402, then one re-signed promise. */
    @Test
    void aSealed402IsPaidOnceWithinTheCap() throws Exception {
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("ok", 10), dir.resolve("ledger.db"),
                operatorKey, DEPOSIT);
             CocoonClient client = worker.client(PaidWorker.channel(clientKey, channelId, DEPOSIT, CAP,
                     SpendStore.inMemory()).build())) {
            String prompt = "x".repeat(200);
            VerifiedCompletion answer = client.chat(ask(prompt));
            var r = answer.payment().orElseThrow().receipt().receipt();
            assertEquals(2_000, r.promptTokens());
            assertEquals(2, r.seqno(), "the first promise was refused, the re-signed one admitted");
            assertLedgerMatches(worker, r.channel(), List.of(answer.payment().orElseThrow().receipt()));
        }
        // With a cap below what the worker asks, the SDK refuses to sign more and nothing is charged.
        BigInteger otherChannel = PaymentChannel.randomChannelId();
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("ok", 10), dir.resolve("ledger2.db"),
                operatorKey, DEPOSIT);
             CocoonClient client = worker.client(PaidWorker.channel(clientKey, otherChannel, DEPOSIT, 100_000,
                     SpendStore.inMemory()).build())) {
            var e = assertThrows(PaymentException.class, () -> client.chat(ask("x".repeat(200))));
            assertEquals(PaymentException.Reason.OVER_CAP, e.reason());
            assertEquals(Optional.of("required"), e.field());
            TonAddress address = client.payments().get(0).address();
            assertEquals(List.of(), worker.ledger.receipts(address));
            assertEquals(Optional.empty(), worker.ledger.channel(address));
        }
    }

    @Test
    void aClientWithoutAChannelIsToldBeforeSending() throws Exception {
        FixedAnswerEngine engine = new FixedAnswerEngine("ok");
        try (PaidWorker worker = new PaidWorker(engine, dir.resolve("ledger.db"), operatorKey, DEPOSIT);
             CocoonClient client = worker.unpaidClient()) {
            var e = assertThrows(PaymentException.class, () -> client.chat(ask("1+1")));
            assertEquals(PaymentException.Reason.PAYMENT_REQUIRED, e.reason());
            assertEquals(0, engine.calls.get());
        }
    }

    /** A restarted worker (new keys, same ledger) and a restarted client (same store) go on where they were. */
    @Test
    void restartsKeepTheBooks() throws Exception {
        Path ledger = dir.resolve("ledger.db");
        Path store = dir.resolve("client");
        PaymentChannel channel = PaidWorker.channel(clientKey, channelId, DEPOSIT, CAP, SpendStore.directory(store))
                .build();
        List<SignedReceipt> held = new ArrayList<>();
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("42"), ledger, operatorKey, DEPOSIT);
             CocoonClient client = worker.client(channel)) {
            held.add(client.chat(ask("1+1")).payment().orElseThrow().receipt());
            held.add(client.chat(ask("1+2")).payment().orElseThrow().receipt());
        }
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("42"), ledger, operatorKey, DEPOSIT)) {
            PaymentChannel again = PaidWorker.channel(clientKey, channelId, DEPOSIT, CAP, SpendStore.directory(store))
                    .build();
            try (CocoonClient client = worker.client(again)) {
                var payment = client.chat(ask("1+3")).payment().orElseThrow();
                assertEquals(3, payment.receipt().receipt().seqno());
                assertEquals(held.get(1).receipt().cumulative() + payment.amount(), payment.owed());
                held.add(payment.receipt());
                assertLedgerMatches(worker, payment.receipt().receipt().channel(), held);
            }
            // A client that lost its store starts at seqno 1 again: the worker remembers and refuses it by name.
            PaymentChannel forgetful = PaidWorker.channel(clientKey, channelId, DEPOSIT, CAP, SpendStore.inMemory())
                    .build();
            try (CocoonClient client = worker.client(forgetful)) {
                var e = assertThrows(network.cocoon.sdk.WorkerRejectedException.class, () -> client.chat(ask("1+4")));
                assertEquals(network.cocoon.sdk.protocol.ErrorCode.INVALID_PAYMENT, e.code());
                assertTrue(e.getMessage().contains("cocoon.payment.promise.seqno"), e.getMessage());
            }
        }
    }
}
