package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.RequestEnvelope;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every way a sealed request can be refused, each with its own status and code; the worker stays up. */
class RequestAdmissionTest {
    static LocalWorker worker;
    static FixedAnswerEngine engine = new FixedAnswerEngine("ok");
    static final HpkeSuite SUITE = HpkeSuite.X25519_SHA256_CHACHA20POLY1305;
    static int counter;

    @BeforeAll
    static void start() throws Exception {
        worker = new LocalWorker(engine);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @AfterEach
    void stillServes() throws Exception {
        SealedRequest sealed = seal(body(System.currentTimeMillis(), null, LocalWorker.PRICE));
        var reply = RawHttp.post(worker, sealed.message(), "message/ohttp-req");
        assertEquals(200, reply.status());
        var answer = ProtocolJson.read(sealed.openResponse(reply.body()), SealedResponseBody.class);
        assertEquals("ok", answer.completion().content());
    }

    static String requestId() {
        return String.format("%032x", ++counter + System.nanoTime());
    }

    static byte[] body(long timestamp, String model, Price maxPrice) {
        return ProtocolJson.write(new InferenceRequest(model, List.of(ChatMessage.user("hi")), 8, 0, 1, 0, null,
                List.of(), false, new RequestEnvelope(requestId(), timestamp, maxPrice)));
    }

    static SealedRequest seal(byte[] body) {
        return SealedRequest.seal(worker.identity.keyConfig(), SUITE, body);
    }

    void assertRefused(ErrorCode code, byte[] message, String contentType) throws Exception {
        var reply = RawHttp.post(worker, message, contentType);
        assertEquals(code.httpStatus(), reply.status(), code.name());
        assertEquals(code.wireName(), reply.code());
    }

    void assertRefused(ErrorCode code, byte[] message) throws Exception {
        assertRefused(code, message, "message/ohttp-req");
    }

    static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 1;
        return copy;
    }

    @Test
    void everyRegionOfTheSealedRequestIsChecked() throws Exception {
        byte[] message = seal(body(System.currentTimeMillis(), null, LocalWorker.PRICE)).message();
        assertRefused(ErrorCode.UNKNOWN_KEY_ID, flip(message, 0));
        assertRefused(ErrorCode.UNSUPPORTED_SUITE, flip(message, 2));
        assertRefused(ErrorCode.UNSUPPORTED_SUITE, flip(message, 4));
        assertRefused(ErrorCode.UNSUPPORTED_SUITE, flip(message, 6));
        assertRefused(ErrorCode.DECRYPTION_FAILED, flip(message, 10), "message/ohttp-req");
        assertRefused(ErrorCode.DECRYPTION_FAILED, flip(message, 40));
        assertRefused(ErrorCode.DECRYPTION_FAILED, flip(message, message.length - 1));
        assertRefused(ErrorCode.MALFORMED_MESSAGE, new byte[] {1, 2, 3});
        // None of these consumed the request id: the untouched message is still accepted once.
        assertEquals(200, RawHttp.post(worker, message, "message/ohttp-req").status());
    }

    @Test
    void requestSealedToAnotherKeyIsRefused() throws Exception {
        KeyConfig real = worker.identity.keyConfig();
        KeyConfig wrong = new KeyConfig(real.keyId(), real.kemId(), HpkeKeyPair.generate().publicKey(), real.suites());
        assertRefused(ErrorCode.DECRYPTION_FAILED,
                SealedRequest.seal(wrong, SUITE, body(System.currentTimeMillis(), null, LocalWorker.PRICE)).message());
    }

    @Test
    void transportLimitsAreEnforced() throws Exception {
        byte[] message = seal(body(System.currentTimeMillis(), null, LocalWorker.PRICE)).message();
        assertRefused(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, "application/json");
        assertRefused(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, null);
        assertRefused(ErrorCode.MESSAGE_TOO_LARGE, new byte[2 * 1024 * 1024]);
    }

    @Test
    void decryptedBodyIsValidated() throws Exception {
        assertRefused(ErrorCode.INVALID_REQUEST, seal("not json".getBytes(StandardCharsets.UTF_8)).message());
        assertRefused(ErrorCode.INVALID_REQUEST, seal("{\"messages\":[]}".getBytes(StandardCharsets.UTF_8)).message());
        assertRefused(ErrorCode.MODEL_NOT_SERVED,
                seal(body(System.currentTimeMillis(), "other-model", LocalWorker.PRICE)).message());
        assertRefused(ErrorCode.PRICE_NOT_ACCEPTED,
                seal(body(System.currentTimeMillis(), null, new Price(999, 2_000))).message());
    }

    @Test
    void staleTimestampsAndReplaysAreRefused() throws Exception {
        assertRefused(ErrorCode.STALE_TIMESTAMP, seal(body(System.currentTimeMillis() - 600_000, null,
                LocalWorker.PRICE)).message());
        assertRefused(ErrorCode.STALE_TIMESTAMP, seal(body(System.currentTimeMillis() + 600_000, null,
                LocalWorker.PRICE)).message());
        byte[] once = seal(body(System.currentTimeMillis(), null, LocalWorker.PRICE)).message();
        assertEquals(200, RawHttp.post(worker, once, "message/ohttp-req").status());
        int calls = engine.calls.get();
        assertRefused(ErrorCode.REPLAYED_REQUEST, once);
        assertEquals(calls, engine.calls.get(), "a replay never reaches the engine");
    }

    @Test
    void sameRequestIdInAFreshSealIsAReplay() throws Exception {
        byte[] body = body(System.currentTimeMillis(), null, LocalWorker.PRICE);
        assertEquals(200, RawHttp.post(worker, seal(body).message(), "message/ohttp-req").status());
        assertRefused(ErrorCode.REPLAYED_REQUEST, seal(body).message());
    }

    @Test
    void responseIsSealedToTheRequester() throws Exception {
        SealedRequest sealed = seal(body(System.currentTimeMillis(), null, LocalWorker.PRICE));
        var reply = RawHttp.post(worker, sealed.message(), "message/ohttp-req");
        SealedRequest other = seal(body(System.currentTimeMillis(), null, LocalWorker.PRICE));
        org.junit.jupiter.api.Assertions.assertThrows(network.cocoon.sdk.crypto.SealingException.class,
                () -> other.openResponse(reply.body()));
        assertEquals("ok", ProtocolJson.read(sealed.openResponse(reply.body()), SealedResponseBody.class)
                .completion().content());
    }
}
