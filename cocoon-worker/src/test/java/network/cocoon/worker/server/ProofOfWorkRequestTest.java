package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.tee.DevTee;
import network.cocoon.worker.tee.GpuAttester;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** A worker that asks for proof of work: the SDK pays it, requests without it are refused before decryption. */
class ProofOfWorkRequestTest {
    @Test
    void theSdkSolvesItAndRequestsWithoutItAreRefusedBeforeDecryption() throws Exception {
        Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
        FixedAnswerEngine engine = new FixedAnswerEngine("42");
        WorkerIdentity identity = WorkerIdentity.generate();
        AttestationService attestation = new AttestationService(identity, new DevTee(devRoot), GpuAttester.NONE,
                engine.model(), LocalWorker.PRICE, "EQpayout", null, Duration.ofHours(1), Clock.systemUTC(), 12);
        try (WorkerServer server = WorkerServer.start(ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)),
                identity, attestation, engine)) {
            AttestationPolicy.Builder policy = AttestationPolicy.builder()
                    .allowInsecureDevelopmentEvidence(devRoot.publicKey());
            try (CocoonClient client = CocoonClient.builder().endpoint(server.endpoint()).policy(policy.build())
                    .httpClient(new OkHttpClient()).build()) {
                assertEquals(12, client.verifyWorker().document().powBits());
                assertEquals("42", client.chat(ChatRequest.builder().user("1+1").maxTokens(4).build()).content());
            }
            try (CocoonClient unwilling = CocoonClient.builder().endpoint(server.endpoint())
                    .policy(policy.maxProofOfWorkBits(8).build()).httpClient(new OkHttpClient()).build()) {
                AttestationException e = assertThrows(AttestationException.class, unwilling::verifyWorker);
                assertEquals(AttestationException.Reason.PROOF_OF_WORK_TOO_HARD, e.reason());
            }
            // Garbage that would fail decryption is refused for its missing proof first.
            HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    server.endpoint().resolve("/v1/sealed")).header("Content-Type", "message/ohttp-req")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200])).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(428, raw.statusCode());
            assertTrue(raw.body().contains("proof_of_work_required"), raw.body());
            assertEquals(1, engine.calls.get());

            // The evidence binds pow_bits: a relay that lowers it breaks the document.
            URI url = server.endpoint().resolve("/v1/attestation?nonce=0102");
            String json = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(json.contains("\"pow_bits\":12"), json);
            AttestationDocument lowered = ProtocolJson.read(json.replace("\"pow_bits\":12", "\"pow_bits\":1")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8), AttestationDocument.class);
            AttestationException e = assertThrows(AttestationException.class, () -> new AttestationVerifier(
                    AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey()).build())
                    .verify(lowered, new byte[] {1, 2}));
            assertTrue(e.reason() == AttestationException.Reason.EVIDENCE_INVALID
                    || e.reason() == AttestationException.Reason.REPORT_DATA_MISMATCH, e.toString());
        }
    }
}
