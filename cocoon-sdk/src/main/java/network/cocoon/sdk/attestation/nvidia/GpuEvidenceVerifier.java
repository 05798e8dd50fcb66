package network.cocoon.sdk.attestation.nvidia;

import java.time.Instant;
import network.cocoon.sdk.AttestationException;

/** Verifies one GPU's evidence; required by {@code AttestationPolicy.Builder.requireGpus}. */
@FunctionalInterface
public interface GpuEvidenceVerifier {
    /**
     * Verifies that {@code evidence} is a genuine, signed measurement report over {@code expectedNonce}.
     *
     * @throws AttestationException with reason {@code GPU_EVIDENCE_INVALID} or {@code MEASUREMENT_NOT_ALLOWED}
     */
    GpuClaims verify(GpuEvidence evidence, byte[] expectedNonce, Instant now);
}
