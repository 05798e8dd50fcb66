package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.IntegrityException;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.PlatformClaims;
import network.cocoon.sdk.attestation.PlatformVerifier;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import network.cocoon.worker.testing.TamperingRelay;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SDK against a real worker on loopback, with a hostile relay in between where a test needs one. */
class RequestPathTest {
    static final String ANSWER = "The answer is 42.";
    static LocalWorker worker;
    static CocoonClient client;

    final List<CocoonClient> extraClients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        worker = new LocalWorker(new FixedAnswerEngine(ANSWER));
        client = worker.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        worker.close();
    }

    @AfterEach
    void workerStillServes() {
        extraClients.forEach(CocoonClient::close);
        assertEquals(ANSWER, client.chat(request()).content(), "the worker keeps serving after the test");
    }

    static ChatRequest request() {
        return ChatRequest.builder().user("What is the answer?").maxTokens(64).temperature(0).build();
    }

    CocoonClient clientVia(TamperingRelay relay) {
        CocoonClient c = worker.client(TamperingRelay.client(relay));
        extraClients.add(c);
        return c;
    }

    @Test
    void blockingRoundTripReturnsTheVerifiedAnswer() {
        VerifiedCompletion answer = client.chat(request());
        assertEquals(ANSWER, answer.content());
        assertEquals("stop", answer.completion().finishReason());
        assertEquals(ANSWER.length(), answer.completion().usage().completionTokens());
        assertEquals("dev", answer.verification().platform());
        assertFalse(answer.verification().hardwareBacked());
        assertEquals(FixedAnswerEngine.MODEL, answer.verification().model());
    }

    @Test
    void asyncRoundTrip() throws Exception {
        assertEquals(ANSWER, client.chatAsync(request()).get().content());
    }

    @Test
    void streamingDeliversDeltasThenTheVerifiedWhole() {
        List<String> deltas = new ArrayList<>();
        VerifiedCompletion answer = client.chatStream(request(), deltas::add);
        assertEquals(ANSWER.length(), deltas.size());
        assertEquals(ANSWER, String.join("", deltas));
        assertEquals(ANSWER, answer.content());
    }

    @Test
    void maxTokensCutsTheAnswer() {
        VerifiedCompletion answer = client.chat(ChatRequest.builder().user("q").maxTokens(3).build());
        assertEquals("The", answer.content());
        assertEquals("length", answer.completion().finishReason());
    }

    @Test
    void replayedRequestIsRefused() throws Exception {
        TamperingRelay recorder = new TamperingRelay("/none", UnaryOperator.identity());
        clientVia(recorder).chat(request());
        byte[] replay = recorder.lastSealedRequest.get();
        var response = RawHttp.post(worker, replay, "message/ohttp-req");
        assertEquals(409, response.status());
        assertEquals(ErrorCode.REPLAYED_REQUEST.wireName(), response.code());
    }

    @Test
    void tamperedResponseIsRefused() {
        for (int index : new int[] {0, 31, 32, 100, -1}) {
            var relay = new TamperingRelay("/v1/sealed", body -> TamperingRelay.flip(body, index));
            var e = assertThrows(IntegrityException.class, () -> clientVia(relay).chat(request()));
            assertEquals(IntegrityException.Reason.DECRYPTION_FAILED, e.reason(), "byte " + index);
        }
    }

    /** The worker lists AES-128-GCM first, so the client seals with it: {@code max(Nn = 12, Nk = 16)}. */
    static final int AES_128_GCM_RESPONSE_NONCE = 16;

    IntegrityException.Reason streamRefusal(UnaryOperator<List<byte[]>> edit) {
        var relay = new TamperingRelay("/v1/sealed",
                body -> TamperingRelay.join(edit.apply(new ArrayList<>(TamperingRelay.frames(body, AES_128_GCM_RESPONSE_NONCE)))));
        List<String> seen = new ArrayList<>();
        return assertThrows(IntegrityException.class, () -> clientVia(relay).chatStream(request(), seen::add)).reason();
    }

    @Test
    void tamperedStreamsAreRefused() {
        assertEquals(IntegrityException.Reason.CHUNK_AUTHENTICATION_FAILED,
                streamRefusal(f -> { f.remove(3); return f; }), "dropped chunk");
        assertEquals(IntegrityException.Reason.CHUNK_AUTHENTICATION_FAILED,
                streamRefusal(f -> { Collections.swap(f, 2, 3); return f; }), "reordered chunks");
        assertEquals(IntegrityException.Reason.STREAM_TRUNCATED,
                streamRefusal(f -> f.subList(0, f.size() - 1)), "final chunk dropped");
        assertEquals(IntegrityException.Reason.CHUNK_AUTHENTICATION_FAILED,
                streamRefusal(f -> { f.set(1, TamperingRelay.flip(f.get(1), -1)); return f; }), "chunk changed");
        assertEquals(IntegrityException.Reason.CHUNK_AUTHENTICATION_FAILED,
                streamRefusal(f -> { f.set(f.size() - 1, TamperingRelay.flip(f.get(f.size() - 1), -1)); return f; }),
                "final chunk changed");
        assertEquals(IntegrityException.Reason.CHUNK_AUTHENTICATION_FAILED,
                streamRefusal(f -> { f.set(0, TamperingRelay.flip(f.get(0), 0)); return f; }), "response nonce");
        assertEquals(IntegrityException.Reason.DATA_AFTER_FINAL,
                streamRefusal(f -> { f.add(f.get(1)); return f; }), "chunk appended after final");
    }

    @Test
    void tamperedAttestationIsRefused() {
        var relay = new TamperingRelay("/v1/attestation", body -> {
            String json = new String(body, StandardCharsets.UTF_8);
            return json.replace("\"promptPer1k\":1000", "\"promptPer1k\":1").getBytes(StandardCharsets.UTF_8);
        });
        var e = assertThrows(AttestationException.class, () -> clientVia(relay).chat(request()));
        assertEquals(AttestationException.Reason.EVIDENCE_INVALID, e.reason());

        var garbage = new TamperingRelay("/v1/attestation", body -> "{\"version\":".getBytes(StandardCharsets.UTF_8));
        assertEquals(AttestationException.Reason.MALFORMED_DOCUMENT,
                assertThrows(AttestationException.class, () -> clientVia(garbage).chat(request())).reason());
    }

    @Test
    void staleDocumentForAnotherNonceIsRefused() throws Exception {
        byte[] old = RawHttp.get(worker, "/v1/attestation?nonce=00").body();
        var relay = new TamperingRelay("/v1/attestation", body -> old);
        assertEquals(AttestationException.Reason.NONCE_MISMATCH,
                assertThrows(AttestationException.class, () -> clientVia(relay).chat(request())).reason());
    }

    @Test
    void anotherWorkersKeysAreRefused() throws Exception {
        try (LocalWorker impostor = new LocalWorker(new FixedAnswerEngine("impostor"))) {
            // The impostor is a genuine dev worker, but its evidence is rooted in another dev root.
            CocoonClient c = CocoonClient.builder().endpoint(impostor.server.endpoint())
                    .policy(worker.policy().build()).build();
            extraClients.add(c);
            assertEquals(AttestationException.Reason.EVIDENCE_INVALID,
                    assertThrows(AttestationException.class, () -> c.chat(request())).reason());
            // Swapping in the impostor's document (its keys) on the honest worker's path fails the same way.
            byte[] impostorDoc = RawHttp.get(impostor, "/v1/attestation").body();
            var relay = new TamperingRelay("/v1/attestation", body -> impostorDoc);
            assertThrows(AttestationException.class, () -> clientVia(relay).chat(request()));
        }
    }

    @Test
    void devEvidenceWithoutTheInsecureSwitchIsRefused() {
        PlatformVerifier tdx = new PlatformVerifier() {
            @Override
            public String platform() {
                return "tdx";
            }

            @Override
            public PlatformClaims verify(AttestationDocument document, java.time.Instant now) {
                throw new AssertionError("never reached for a dev document");
            }
        };
        CocoonClient strict = CocoonClient.builder().endpoint(worker.server.endpoint())
                .policy(AttestationPolicy.builder().platform(tdx).build()).build();
        extraClients.add(strict);
        assertEquals(AttestationException.Reason.INSECURE_DEVELOPMENT_NOT_ALLOWED,
                assertThrows(AttestationException.class, () -> strict.chat(request())).reason());
    }

    @Test
    void requestedModelMustBeTheAttestedOne() {
        var e = assertThrows(AttestationException.class,
                () -> client.chat(ChatRequest.builder().model("gpt-5").user("q").build()));
        assertEquals(AttestationException.Reason.MODEL_NOT_ALLOWED, e.reason());
        assertEquals(ANSWER, client.chat(ChatRequest.builder().model(FixedAnswerEngine.MODEL.id()).user("q").build())
                .content());
    }

    @Test
    void workerRefusalsReachTheClientTyped() throws Exception {
        // A relay that sends every sealed request twice: the second copy must be refused as a replay.
        var replayingClient = new OkHttpClient.Builder().addInterceptor(chain -> {
            var response = chain.proceed(chain.request());
            if (chain.request().url().encodedPath().equals("/v1/sealed")) {
                response.close();
                return chain.proceed(chain.request());
            }
            return response;
        }).build();
        CocoonClient twice = worker.client(replayingClient);
        extraClients.add(twice);
        var e = assertThrows(WorkerRejectedException.class, () -> twice.chat(request()));
        assertEquals(ErrorCode.REPLAYED_REQUEST, e.code());
        assertEquals(409, e.httpStatus());
    }

    @Test
    void healthAndAttestationEndpoints() throws Exception {
        assertEquals(200, RawHttp.get(worker, "/healthz").status());
        AttestationDocument doc = ProtocolJson.read(RawHttp.get(worker, "/v1/attestation?nonce=0a0b").body(),
                AttestationDocument.class);
        assertEquals(2, doc.nonce().length);
        assertEquals(400, RawHttp.get(worker, "/v1/attestation?nonce=xyz").status());
        assertEquals(400, RawHttp.get(worker, "/v1/attestation?nonce=" + "00".repeat(65)).status());
        assertEquals(404, RawHttp.get(worker, "/v2/unknown").status());
        assertEquals(405, RawHttp.get(worker, "/v1/sealed").status());
        var request = new Request.Builder().url(worker.server.endpoint() + "/healthz")
                .post(okhttp3.RequestBody.create(new byte[0])).build();
        try (var response = new OkHttpClient().newCall(request).execute()) {
            assertEquals(405, response.code());
        }
    }
}
