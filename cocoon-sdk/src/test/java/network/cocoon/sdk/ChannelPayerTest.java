package network.cocoon.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.Receipt;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.Tariff;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.PaymentDemand;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.protocol.ResultStatement;
import network.cocoon.sdk.testing.DevWorkerFixture;
import org.junit.jupiter.api.Test;

/**
 * The client's side of payment, against a worker it verified: the promise it signs, and every receipt field
 * checked against the promise, the attestation, the verified result statement and the previous receipt.
 */
class ChannelPayerTest {
    static final String PAYOUT = "0:" + "ab".repeat(32);
    static final HexFormat HEX = HexFormat.of();

    final DevWorkerFixture fixture = new DevWorkerFixture();
    final Ed25519KeyPair operatorKey = Ed25519KeyPair.generate();
    final Ed25519KeyPair clientKey = Ed25519KeyPair.generate();
    final BigInteger channelId = PaymentChannel.randomChannelId();

    VerifiedWorker worker(PaymentTerms terms, String payout) {
        AttestationDocument u = fixture.unsigned();
        AttestationDocument doc = new AttestationDocument(u.version(), u.platform(), null, u.hpkeKeyConfig(),
                u.signingKey(), u.model(), u.price(), payout, u.issuedAt(), u.expiresAt(), u.nonce())
                .withPayment(terms);
        return new AttestationVerifier(fixture.policy().build()).verify(fixture.signed(doc), fixture.nonce);
    }

    VerifiedWorker devWorker() {
        return worker(new PaymentTerms(PaymentTerms.MODE_DEV, operatorKey.publicKey(), 3600, 0, 0, 0), PAYOUT);
    }

    PaymentChannel.Builder channel(SpendStore store) {
        return PaymentChannel.builder().devMode().clientKey(clientKey)
                .clientAddress(TonAddress.parse("0:" + "11".repeat(32), "wallet")).channelId(channelId)
                .deposit(1_000_000).maxCostPerRequest(10_000).store(store);
    }

    ChannelPayer payer(SpendStore store) {
        return new ChannelPayer(channel(store).build(), DevWorkerFixture.CLOCK);
    }

    static ResultStatement statement(long prompt, long completion) {
        return new ResultStatement(HEX.formatHex(Digests.sha256(new byte[] {1})),
                HEX.formatHex(Digests.sha256(new byte[] {2})), DevWorkerFixture.MODEL.digest(), prompt, completion,
                ResultStatement.NO_RECEIPT);
    }

    /** The receipt an honest worker sends for {@code statement} after {@code owed}. */
    Receipt honest(ChannelPayer.Session session, SignedSemiChannel promise, ResultStatement s, long owed) {
        Price price = DevWorkerFixture.PRICE;
        long amount = Tariff.amount(price, s.promptTokens(), s.completionTokens());
        return new Receipt(session.parameters().address(), channelId, promise.state().body().seqno(),
                HEX.parseHex(s.requestHash()), HEX.parseHex(s.completionHash()), s.promptTokens(),
                s.completionTokens(), price, amount, owed + amount, DevWorkerFixture.NOW.getEpochSecond());
    }

    @Test
    void honestReceiptsChainAndAreStored() {
        SpendStore store = SpendStore.inMemory();
        ChannelPayer payer = payer(store);
        VerifiedWorker worker = devWorker();
        long owed = 0;
        for (int i = 1; i <= 3; i++) {
            try (ChannelPayer.Session session = payer.open(worker)) {
                SignedSemiChannel promise = session.promise(5_000);
                session.sending(promise, new byte[32], 8);
                assertEquals(i, promise.state().body().seqno());
                assertEquals(Optional.of(SemiChannelBody.INITIAL), promise.state().counterparty());
                promise.verify(clientKey.publicKey());
                // The promise is stored before it is sent.
                assertEquals(promise, store.load(session.parameters().address()).orElseThrow().promise().orElseThrow());
                ResultStatement s = statement(100 * i, 10);
                var payment = session.accept(SignedReceipt.sign(honest(session, promise, s, owed), fixture.signingKey),
                        s, List.of());
                owed += payment.amount();
                assertEquals(owed, payment.owed());
                assertTrue(payment.promised() >= owed);
            }
        }
        ChannelRecord record = payer.records().get(0);
        assertEquals(3, record.seqno());
        assertEquals(owed, record.owed());
        assertEquals(owed, record.receipt().orElseThrow().receipt().cumulative());
    }

    /** The promise covers what is owed plus this request's maximum, and never falls. */
    @Test
    void promisesCoverDebtPlusMaximumAndNeverFall() {
        ChannelPayer payer = payer(SpendStore.inMemory());
        VerifiedWorker worker = devWorker();
        try (ChannelPayer.Session session = payer.open(worker)) {
            SignedSemiChannel first = session.promise(9_000);
            session.sending(first, new byte[32], 8);
            assertEquals(9_000, first.state().body().sent());
            ResultStatement s = statement(1000, 500); // 1000 + 1000 = 2000 nanotons
            session.accept(SignedReceipt.sign(honest(session, first, s, 0), fixture.signingKey), s, List.of());
        }
        try (ChannelPayer.Session session = payer.open(worker)) {
            // 2000 owed + 1000 maximum is below the previous promise: the promise stays.
            assertEquals(9_000, session.promise(1_000).state().body().sent());
        }
        try (ChannelPayer.Session session = payer.open(worker)) {
            assertEquals(2_000 + 10_000, session.promise(10_000).state().body().sent());
        }
    }

    @Test
    void everyReceiptFieldIsChecked() {
        Map<String, UnaryOperator<Receipt>> tampers = new LinkedHashMap<>();
        byte[] other = new byte[32];
        tampers.put("channel", r -> new Receipt(TonAddress.parse("0:" + "22".repeat(32), "c"), r.channelId(),
                r.seqno(), r.requestHash(), r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(),
                r.amount(), r.cumulative(), r.time()));
        tampers.put("channel_id", r -> new Receipt(r.channel(), r.channelId().add(BigInteger.ONE), r.seqno(),
                r.requestHash(), r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(), r.amount(),
                r.cumulative(), r.time()));
        tampers.put("seqno", r -> new Receipt(r.channel(), r.channelId(), r.seqno() + 1, r.requestHash(),
                r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative(),
                r.time()));
        tampers.put("request_hash", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), other, r.resultHash(),
                r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative(), r.time()));
        tampers.put("result_hash", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), other,
                r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative(), r.time()));
        tampers.put("prompt_tokens", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(),
                r.resultHash(), r.promptTokens() + 1, r.completionTokens(), r.price(), r.amount(), r.cumulative(),
                r.time()));
        tampers.put("completion_tokens", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(),
                r.resultHash(), r.promptTokens(), r.completionTokens() + 1, r.price(), r.amount(), r.cumulative(),
                r.time()));
        tampers.put("prompt_price", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(),
                r.resultHash(), r.promptTokens(), r.completionTokens(), new Price(r.price().promptPer1k() + 1,
                r.price().completionPer1k()), r.amount(), r.cumulative(), r.time()));
        tampers.put("completion_price", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(),
                r.resultHash(), r.promptTokens(), r.completionTokens(), new Price(r.price().promptPer1k(),
                r.price().completionPer1k() + 1), r.amount(), r.cumulative(), r.time()));
        tampers.put("amount", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(),
                r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(), r.amount() + 1, r.cumulative() + 1,
                r.time()));
        tampers.put("cumulative", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(),
                r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative() + 1,
                r.time()));
        tampers.put("time", r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(),
                r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative(),
                r.time() + 301));
        VerifiedWorker worker = devWorker();
        for (var tamper : tampers.entrySet()) {
            SpendStore store = SpendStore.inMemory();
            ChannelPayer payer = payer(store);
            try (ChannelPayer.Session session = payer.open(worker)) {
                SignedSemiChannel promise = session.promise(5_000);
                session.sending(promise, new byte[32], 8);
                ResultStatement s = statement(300, 20);
                SignedReceipt forged = SignedReceipt.sign(tamper.getValue().apply(honest(session, promise, s, 0)),
                        fixture.signingKey);
                var e = assertThrows(PaymentException.class, () -> session.accept(forged, s, List.of()),
                        tamper.getKey());
                assertEquals(Reason.RECEIPT_MISMATCH, e.reason(), tamper.getKey());
                assertEquals(Optional.of(tamper.getKey()), e.field());
                assertTrue(e.getMessage().startsWith("field '" + tamper.getKey() + "'"), e.getMessage());
                assertSame(forged, e.evidence().orElseThrow().receipt());
                assertEquals(promise, e.evidence().orElseThrow().promise());
                // Nothing of the refused receipt was stored.
                assertEquals(0, store.load(session.parameters().address()).orElseThrow().owed());
            }
        }
    }

    @Test
    void receiptSignedByAnotherKeyIsRefused() {
        ChannelPayer payer = payer(SpendStore.inMemory());
        try (ChannelPayer.Session session = payer.open(devWorker())) {
            SignedSemiChannel promise = session.promise(5_000);
            ResultStatement s = statement(10, 1);
            SignedReceipt other = SignedReceipt.sign(honest(session, promise, s, 0), Ed25519KeyPair.generate());
            assertEquals(Reason.SIGNATURE_INVALID, assertThrows(PaymentException.class,
                    () -> session.accept(other, s, List.of())).reason());
            // The client's own channel key is not the worker's either.
            SignedReceipt byClient = SignedReceipt.sign(honest(session, promise, s, 0), clientKey);
            assertEquals(Reason.SIGNATURE_INVALID, assertThrows(PaymentException.class,
                    () -> session.accept(byClient, s, List.of())).reason());
        }
    }

    @Test
    void aReceiptAboveThePromiseIsRefused() {
        ChannelPayer payer = payer(SpendStore.inMemory());
        try (ChannelPayer.Session session = payer.open(devWorker())) {
            SignedSemiChannel promise = session.promise(100);
            ResultStatement s = statement(1000, 1000); // 3000 nanotons, promised 100
            var e = assertThrows(PaymentException.class, () -> session.accept(
                    SignedReceipt.sign(honest(session, promise, s, 0), fixture.signingKey), s, List.of()));
            assertEquals(Reason.RECEIPT_MISMATCH, e.reason());
            assertEquals(Optional.of("cumulative"), e.field());
        }
    }

    @Test
    void capsDepositAndSeqnoAreEnforcedBeforeSigning() {
        SpendStore store = SpendStore.inMemory();
        ChannelPayer payer = payer(store);
        VerifiedWorker worker = devWorker();
        try (ChannelPayer.Session session = payer.open(worker)) {
            assertEquals(Reason.OVER_CAP, assertThrows(PaymentException.class,
                    () -> session.promise(10_001)).reason());
            // A demand within the cap is signed once, with the next seqno.
            SignedSemiChannel first = session.promise(1_000);
            SignedSemiChannel second = session.resign(new PaymentDemand(4_000, 0, 0));
            assertEquals(first.state().body().seqno() + 1, second.state().body().seqno());
            assertEquals(4_000, second.state().body().sent());
            var over = assertThrows(PaymentException.class, () -> session.resign(new PaymentDemand(10_001, 0, 0)));
            assertEquals(Reason.OVER_CAP, over.reason());
            assertEquals(Optional.of("required"), over.field());
        }
        ChannelPayer small = new ChannelPayer(channel(SpendStore.inMemory()).deposit(500).build(),
                DevWorkerFixture.CLOCK);
        try (ChannelPayer.Session session = small.open(worker)) {
            assertEquals(Reason.INSUFFICIENT_DEPOSIT, assertThrows(PaymentException.class,
                    () -> session.promise(501)).reason());
        }
        SpendStore exhausted = SpendStore.inMemory();
        ChannelPayer last = payer(exhausted);
        TonAddress address;
        try (ChannelPayer.Session session = last.open(worker)) {
            address = session.parameters().address();
        }
        SignedSemiChannel atMax = SignedSemiChannel.sign(new network.cocoon.sdk.payment.SemiChannelState(channelId,
                new SemiChannelBody(SemiChannelBody.MAX_SEQNO, 10), Optional.empty()), clientKey);
        exhausted.save(ChannelRecord.fresh(address, channelId).withPromise(atMax, new network.cocoon.sdk.payment
                .PendingRequest(SemiChannelBody.MAX_SEQNO, 10, new byte[32], new byte[32], DevWorkerFixture.PRICE, 1)));
        try (ChannelPayer.Session session = last.open(worker)) {
            assertEquals(Reason.SEQNO_EXHAUSTED, assertThrows(PaymentException.class,
                    () -> session.promise(1)).reason());
        }
    }

    @Test
    void workerTermsMustMatchTheChannel() {
        ChannelPayer dev = payer(SpendStore.inMemory());
        var none = assertThrows(PaymentException.class, () -> dev.open(worker(null, PAYOUT)));
        assertEquals(Reason.CHANNEL_MISMATCH, none.reason());
        assertEquals(Optional.of("payment"), none.field());
        var ton = assertThrows(PaymentException.class, () -> dev.open(worker(new PaymentTerms(PaymentTerms.MODE_TON,
                operatorKey.publicKey(), 3600, 0, 0, 0), PAYOUT)));
        assertEquals(Optional.of("payment.mode"), ton.field());
        var payout = assertThrows(PaymentException.class, () -> dev.open(worker(new PaymentTerms(
                PaymentTerms.MODE_DEV, operatorKey.publicKey(), 3600, 0, 0, 0), "EQpayout")));
        assertEquals(Optional.of("payout"), payout.field());

        PaymentTerms tonTerms = new PaymentTerms(PaymentTerms.MODE_TON, operatorKey.publicKey(), 3600, 0, 0, 0);
        PaymentChannel devChannel = channel(SpendStore.inMemory()).build();
        TonAddress funded = devChannel.parametersWith(new PaymentTerms(PaymentTerms.MODE_DEV, operatorKey.publicKey(),
                3600, 0, 0, 0), PAYOUT).address();
        PaymentChannel onChain = PaymentChannel.builder().clientKey(clientKey)
                .clientAddress(devChannel.clientAddress()).channelId(channelId).address(funded).deposit(1_000)
                .maxCostPerRequest(100).store(SpendStore.inMemory()).build();
        onChain.parametersWith(tonTerms, PAYOUT); // same terms: same address
        for (PaymentTerms moved : new PaymentTerms[] {
            new PaymentTerms(PaymentTerms.MODE_TON, Ed25519KeyPair.generate().publicKey(), 3600, 0, 0, 0),
            new PaymentTerms(PaymentTerms.MODE_TON, operatorKey.publicKey(), 60, 0, 0, 0),
            new PaymentTerms(PaymentTerms.MODE_TON, operatorKey.publicKey(), 3600, 0, 0, 1)}) {
            var e = assertThrows(PaymentException.class, () -> onChain.parametersWith(moved, PAYOUT));
            assertEquals(Optional.of("address"), e.field());
        }
        var e = assertThrows(PaymentException.class, () -> onChain.parametersWith(tonTerms, "0:" + "cd".repeat(32)));
        assertEquals(Optional.of("address"), e.field());
    }

    /** The request a session left unanswered is asked about in the next one, and its receipt is checked. */
    @Test
    void anUnansweredRequestsReceiptIsRecoveredAndChecked() {
        VerifiedWorker worker = devWorker();
        byte[] lostRequest = Digests.sha256(new byte[] {9});
        for (String outcome : new String[] {"charged", "not charged", "request_hash", "signature", "cumulative"}) {
            SpendStore store = SpendStore.inMemory();
            ChannelPayer payer = payer(store);
            Receipt lost;
            try (ChannelPayer.Session session = payer.open(worker)) {
                SignedSemiChannel promise = session.promise(5_000);
                session.sending(promise, lostRequest, 8);
                ResultStatement s = statement(400, 8);
                Receipt honestLost = honest(session, promise, s, 0);
                lost = new Receipt(honestLost.channel(), honestLost.channelId(), honestLost.seqno(), lostRequest,
                        honestLost.resultHash(), 400, 8, honestLost.price(), honestLost.amount(),
                        honestLost.cumulative(), honestLost.time());
                // The answer never arrives: no accept.
            }
            try (ChannelPayer.Session session = payer.open(worker)) {
                assertEquals(0L, session.receiptsAfter());
                SignedSemiChannel promise = session.promise(5_000);
                assertEquals(2, promise.state().body().seqno());
                session.sending(promise, new byte[32], 8);
                ResultStatement s = statement(100, 2);
                long owedBefore = outcome.equals("not charged") ? 0 : lost.amount();
                SignedReceipt main = SignedReceipt.sign(honest(session, promise, s, owedBefore), fixture.signingKey);
                SignedReceipt earlier = switch (outcome) {
                    case "not charged" -> null;
                    case "request_hash" -> SignedReceipt.sign(new Receipt(lost.channel(), lost.channelId(),
                            lost.seqno(), new byte[32], lost.resultHash(), 400, 8, lost.price(), lost.amount(),
                            lost.cumulative(), lost.time()), fixture.signingKey);
                    case "signature" -> SignedReceipt.sign(lost, Ed25519KeyPair.generate());
                    case "cumulative" -> SignedReceipt.sign(new Receipt(lost.channel(), lost.channelId(),
                            lost.seqno(), lostRequest, lost.resultHash(), 400, 8, lost.price(), lost.amount(),
                            lost.cumulative() + 1, lost.time()), fixture.signingKey);
                    default -> SignedReceipt.sign(lost, fixture.signingKey);
                };
                List<SignedReceipt> recovered = earlier == null ? null : List.of(earlier);
                switch (outcome) {
                    case "charged", "not charged" -> {
                        var payment = session.accept(main, s, recovered);
                        assertEquals(owedBefore + payment.amount(), payment.owed());
                        ChannelRecord record = store.load(session.parameters().address()).orElseThrow();
                        assertEquals(List.of(), record.pending());
                        assertEquals(earlier == null ? List.of() : List.of(earlier),
                                payment.earlier());
                        assertEquals(payment.owed(), record.owed());
                    }
                    case "signature" -> assertEquals(Reason.SIGNATURE_INVALID, assertThrows(PaymentException.class,
                            () -> session.accept(main, s, recovered)).reason());
                    default -> {
                        var e = assertThrows(PaymentException.class, () -> session.accept(main, s, recovered));
                        assertEquals(Reason.RECEIPT_MISMATCH, e.reason());
                        assertEquals(Optional.of("earlier_receipts." + outcome), e.field());
                    }
                }
            }
        }
    }
}
