package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SemiChannelState;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.PaymentPromise;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.RequestEnvelope;
import network.cocoon.sdk.protocol.WorkerError;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promises a client could send that the worker must refuse, each alone and by its field's name, before any work
 * and without storing anything; and the worker keeps serving honest clients afterwards.
 */
class PromiseRefusalTest {
    static final long DEPOSIT = 1_000_000L;

    @TempDir
    Path dir;

    final Ed25519KeyPair operatorKey = Ed25519KeyPair.generate();
    final Ed25519KeyPair clientKey = Ed25519KeyPair.generate();
    final BigInteger channelId = PaymentChannel.randomChannelId();
    final OkHttpClient http = new OkHttpClient();
    final SecureRandom random = new SecureRandom();

    record Answer(int status, String type, byte[] body, SealedRequest sealed) {
    }

    Answer send(PaidWorker worker, VerifiedWorker attested, PaymentPromise payment) throws Exception {
        byte[] id = new byte[16];
        random.nextBytes(id);
        RequestEnvelope envelope = new RequestEnvelope(HexFormat.of().formatHex(id), System.currentTimeMillis(),
                PaidWorker.PRICE, payment);
        byte[] body = ProtocolJson.write(InferenceRequest.of(ChatRequest.builder().user("1+1").maxTokens(4).build(),
                false, envelope));
        SealedRequest sealed = SealedRequest.seal(attested.keyConfig(), attested.suite(), body);
        Request request = new Request.Builder().url(worker.server.endpoint() + "/v1/sealed")
                .post(RequestBody.create(sealed.message(), MediaType.get("message/ohttp-req"))).build();
        try (Response response = http.newCall(request).execute()) {
            return new Answer(response.code(), response.header("Content-Type", ""), response.body().bytes(), sealed);
        }
    }

    PaymentPromise promise(long seqno, long sent, BigInteger stateChannel, Optional<SemiChannelBody> counterparty,
                           Ed25519KeyPair signer) {
        SignedSemiChannel signed = SignedSemiChannel.sign(new SemiChannelState(stateChannel,
                new SemiChannelBody(seqno, sent), counterparty), signer);
        return new PaymentPromise(channelId.toString(), clientKey.publicKey(), PaidWorker.CLIENT_WALLET.toString(),
                signed.toBoc());
    }

    PaymentPromise promise(long seqno, long sent) {
        return promise(seqno, sent, channelId, Optional.of(SemiChannelBody.INITIAL), clientKey);
    }

    @Test
    void badPromisesAreRefusedByFieldAndNothingIsStored() throws Exception {
        FixedAnswerEngine engine = new FixedAnswerEngine("ok");
        try (PaidWorker worker = new PaidWorker(engine, dir.resolve("ledger.db"), operatorKey, DEPOSIT);
             CocoonClient honest = worker.client(PaidWorker.channel(clientKey, channelId, DEPOSIT, 100_000,
                     SpendStore.inMemory()).build())) {
            VerifiedWorker attested = honest.verifyWorker();
            byte[] boc = promise(1, 10_000).promise();
            byte[] flippedSignature = boc.clone();
            flippedSignature[20] ^= 1;
            Map<String, PaymentPromise> bad = new LinkedHashMap<>();
            bad.put("cocoon.payment.promise", new PaymentPromise(channelId.toString(), clientKey.publicKey(),
                    PaidWorker.CLIENT_WALLET.toString(), new byte[] {1, 2, 3}));
            bad.put("cocoon.payment.promise ", new PaymentPromise(channelId.toString(), clientKey.publicKey(),
                    PaidWorker.CLIENT_WALLET.toString(), flippedSignature)); // CRC no longer matches
            bad.put("cocoon.payment.promise.signature", promise(1, 10_000, channelId,
                    Optional.of(SemiChannelBody.INITIAL), Ed25519KeyPair.generate()));
            bad.put("cocoon.payment.promise.channel_id", promise(1, 10_000, channelId.add(BigInteger.ONE),
                    Optional.of(SemiChannelBody.INITIAL), clientKey));
            bad.put("cocoon.payment.promise.counterparty_data", promise(1, 10_000, channelId,
                    Optional.of(new SemiChannelBody(1, 5)), clientKey));
            bad.put("cocoon.payment.promise.sent", promise(1, DEPOSIT + 1));
            bad.put("cocoon.payment.client_address", new PaymentPromise(channelId.toString(), clientKey.publicKey(),
                    "EQ" + "A".repeat(46), boc));
            // Declaring another client key: the signature is then not that key's.
            bad.put("cocoon.payment.promise.signature ", new PaymentPromise(channelId.toString(),
                    Ed25519KeyPair.generate().publicKey(), PaidWorker.CLIENT_WALLET.toString(), boc));
            for (var entry : bad.entrySet()) {
                Answer answer = send(worker, attested, entry.getValue());
                assertEquals(400, answer.status(), entry.getKey());
                WorkerError error = ProtocolJson.read(answer.body(), WorkerError.class);
                assertEquals("invalid_payment", error.error().code());
                assertTrue(error.error().message().startsWith("invalid field '" + entry.getKey().trim() + "'"),
                        error.error().message());
            }
            assertEquals(0, engine.calls.get(), "refused before the request reached the engine");

            // Honest requests still work; then a reused seqno and a falling promise are refused.
            var paid = honest.chat(ChatRequest.builder().user("1+1").maxTokens(4).build()).payment().orElseThrow();
            var address = paid.receipt().receipt().channel();
            var stored = worker.ledger.channel(address).orElseThrow();
            Answer reused = send(worker, attested, promise(1, 20_000));
            assertEquals(400, reused.status());
            assertTrue(new String(reused.body()).contains("cocoon.payment.promise.seqno"));
            Answer falling = send(worker, attested, promise(5, stored.sent() - 1));
            assertEquals(400, falling.status());
            assertTrue(new String(falling.body()).contains("cocoon.payment.promise.sent"));
            assertEquals(stored, worker.ledger.channel(address).orElseThrow(), "nothing refused was stored");
            assertEquals(1, worker.ledger.receipts(address).size());
            honest.chat(ChatRequest.builder().user("1+2").maxTokens(4).build());
            assertEquals(2, worker.ledger.receipts(address).size());
        }
    }

    /** No promise, or one that does not cover the request: 402, sealed, with what would be accepted. */
    @Test
    void underpaymentIsASealed402NamingTheAmount() throws Exception {
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("ok"), dir.resolve("ledger.db"), operatorKey,
                DEPOSIT);
             CocoonClient honest = worker.unpaidClient()) {
            VerifiedWorker attested = honest.verifyWorker();
            // "1+1" is 3 tokens at 100,000 and 4 tokens at most at 200,000 per 1,000: 1,100 nanotons.
            for (PaymentPromise payment : new PaymentPromise[] {null, promise(1, 1_099)}) {
                Answer answer = send(worker, attested, payment);
                assertEquals(402, answer.status());
                assertEquals("message/ohttp-res", answer.type());
                WorkerError error = ProtocolJson.read(answer.sealed().openResponse(answer.body()), WorkerError.class);
                assertEquals("payment_required", error.error().code());
                assertEquals(1_100, error.error().payment().required());
                assertEquals(0, error.error().payment().charged());
            }
            Answer enough = send(worker, attested, promise(1, 1_100));
            assertEquals(200, enough.status());
        }
    }

    /** An engine that holds each generation until released, to keep a request in flight. */
    static final class HeldEngine implements network.cocoon.worker.inference.InferenceEngine {
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final FixedAnswerEngine inner = new FixedAnswerEngine("ok");

        @Override
        public network.cocoon.sdk.protocol.ModelInfo model() {
            return inner.model();
        }

        @Override
        public network.cocoon.worker.inference.Generation generate(
                network.cocoon.worker.inference.GenerationRequest request,
                network.cocoon.worker.inference.TokenSink sink) throws InterruptedException {
            var held = new network.cocoon.worker.inference.GenerationRequest(request.messages(), request.maxTokens(),
                    request.temperature(), request.topP(), request.topK(), request.seed(), request.stop(),
                    request.cancelled(), (prompt, max) -> {
                        request.admission().admit(prompt, max);
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
            return inner.generate(held, sink);
        }

        @Override
        public void close() {
        }
    }

    /** One request per channel at a time: a second promise while the first request is in flight is 503. */
    @Test
    void aChannelServesOneRequestAtATime() throws Exception {
        HeldEngine engine = new HeldEngine();
        try (PaidWorker worker = new PaidWorker(engine, dir.resolve("ledger.db"), operatorKey, DEPOSIT);
             CocoonClient honest = worker.unpaidClient()) {
            VerifiedWorker attested = honest.verifyWorker();
            var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return send(worker, attested, promise(1, 10_000));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(engine.entered.await(30, java.util.concurrent.TimeUnit.SECONDS));
            Answer second = send(worker, attested, promise(2, 20_000));
            assertEquals(503, second.status());
            assertTrue(new String(second.body()).contains("another request on this channel is still being answered"));
            engine.release.countDown();
            assertEquals(200, first.get(30, java.util.concurrent.TimeUnit.SECONDS).status());
            assertEquals(200, send(worker, attested, promise(3, 20_000)).status());
        }
    }
}
