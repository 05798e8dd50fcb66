package network.cocoon.sdk.attestation;

import java.time.Instant;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.protocol.AttestationDocument;

/**
 * Verifies one platform's evidence (for example {@code dev}; later {@code tdx} and {@code nvidia}).
 *
 * <p>An implementation checks that {@link AttestationDocument#evidence()} is genuine hardware evidence
 * whose report data equals {@link AttestationDocument#reportData()}, and that its measurements satisfy
 * its own configuration. Document-level checks (times, nonce, model, price) are done by
 * {@link AttestationVerifier}.
 */
public interface PlatformVerifier {
    /** The {@code platform} value this verifier handles. */
    String platform();

    /**
     * Verifies the evidence.
     *
     * @param now the verification time, so that certificate and collateral validity can be pinned
     * @return what the evidence proved
     * @throws AttestationException with reason {@code EVIDENCE_INVALID} or {@code MEASUREMENT_NOT_ALLOWED}
     */
    PlatformClaims verify(AttestationDocument document, Instant now);
}
