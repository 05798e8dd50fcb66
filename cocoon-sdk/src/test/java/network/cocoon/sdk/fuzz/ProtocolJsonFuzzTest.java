package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.Refusal;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.sdk.protocol.WorkerError;

/**
 * The protocol's JSON bodies as each side reads them: a request (worker), a response body, an error and a
 * refusal (client), and an attestation document, which the client then verifies against a dev policy. The
 * first byte picks the type. Reading ends in an {@link IOException} (Jackson's, including failed validation)
 * and verifying in an {@link AttestationException}, nothing else. Seeds: the golden bodies and document.
 */
class ProtocolJsonFuzzTest {
    static final List<Class<?>> TYPES = List.of(InferenceRequest.class, SealedResponseBody.class, WorkerError.class,
            Refusal.class, AttestationDocument.class);
    static final AttestationVerifier VERIFIER = new AttestationVerifier(AttestationPolicy.builder()
            .allowInsecureDevelopmentEvidence(Golden.hex("keys", "dev_root_public")).build());

    @FuzzTest(maxDuration = "10s")
    void anyBodyReadsOrIsRefused(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        Invariants.refusesOnly(data, IOException.class, d -> read(d, false));
        Invariants.refusesOnly(data, AttestationException.class, d -> read(d, true));
    }

    /** Reads the body; with {@code verify}, a document is verified and a read failure counts as success. */
    private static void read(byte[] data, boolean verify) throws IOException {
        byte[] json = Arrays.copyOfRange(data, 1, data.length);
        Class<?> type = TYPES.get(Math.floorMod(data[0], TYPES.size()));
        Object value;
        try {
            value = ProtocolJson.read(json, type);
        } catch (IOException e) {
            if (verify) {
                return;
            }
            throw e;
        }
        if (verify && value instanceof AttestationDocument document) {
            VERIFIER.verify(document, null);
        }
    }
}
