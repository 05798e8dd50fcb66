package network.cocoon.sdk.attestation;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.AttestationException.Reason;
import network.cocoon.sdk.attestation.nvidia.GpuClaims;
import network.cocoon.sdk.attestation.nvidia.GpuEvidence;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Labels;

/**
 * Decides whether a worker's attestation document satisfies a policy. Checks, in order: version,
 * platform evidence over the report data, freshness nonce, validity times, key config, signing key,
 * model and price. The first failure throws with its own {@link Reason}.
 */
public final class AttestationVerifier {
    private final AttestationPolicy policy;

    /** A verifier applying {@code policy}. */
    public AttestationVerifier(AttestationPolicy policy) {
        this.policy = policy;
    }

    /**
     * Verifies a document.
     *
     * @param expectedNonce the nonce the client sent with its request for the document (empty for none)
     * @throws AttestationException if any check fails
     */
    public VerifiedWorker verify(AttestationDocument document, byte[] expectedNonce) {
        if (!Labels.VERSION.equals(document.version())) {
            // The worker's text stays out of the message (it would reach logs): the field and ours name it.
            throw new AttestationException(Reason.UNSUPPORTED_VERSION, "document version is not "
                    + network.cocoon.sdk.protocol.Labels.VERSION);
        }
        PlatformVerifier platform = policy.verifier(document.platform()).orElseThrow(() ->
                DevEvidence.PLATFORM.equals(document.platform())
                        ? new AttestationException(Reason.INSECURE_DEVELOPMENT_NOT_ALLOWED,
                        "worker offers only 'dev' evidence and the policy does not allow insecure development")
                        : new AttestationException(Reason.UNSUPPORTED_PLATFORM,
                        "no verifier in the policy for the document's platform"));
        Instant now = policy.clock().instant();
        PlatformClaims claims = withGpus(platform.verify(document, now), document, now);

        if (!Digests.constantTimeEquals(document.nonce(), expectedNonce)) {
            throw new AttestationException(Reason.NONCE_MISMATCH, "document does not echo the request nonce");
        }
        Instant issued = Instant.ofEpochSecond(document.issuedAt());
        Instant expires = Instant.ofEpochSecond(document.expiresAt());
        if (issued.isAfter(now.plus(policy.clockSkew()))) {
            throw new AttestationException(Reason.NOT_YET_VALID, "issued at " + issued + ", now " + now);
        }
        if (!expires.isAfter(now) || !expires.isAfter(issued)) {
            throw new AttestationException(Reason.EXPIRED, "expired at " + expires + ", now " + now);
        }
        Instant maxAgeEnd = issued.plus(policy.maxDocumentAge());
        if (!maxAgeEnd.isAfter(now)) {
            throw new AttestationException(Reason.TOO_OLD, "issued at " + issued + ", older than "
                    + policy.maxDocumentAge());
        }

        KeyConfig keyConfig;
        try {
            keyConfig = KeyConfig.decode(document.hpkeKeyConfig());
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Reason.UNSUPPORTED_KEY_CONFIG, e.getMessage(), e);
        }
        HpkeSuite suite = keyConfig.preferredSupportedSuite().orElseThrow(() ->
                new AttestationException(Reason.UNSUPPORTED_KEY_CONFIG, "no supported suite in " + keyConfig));
        if (document.signingKey().length != Ed25519.PUBLIC_KEY_LENGTH) {
            throw new AttestationException(Reason.INVALID_SIGNING_KEY, "signing key is not 32 bytes");
        }
        if (!policy.allowedModelDigests().isEmpty()
                && !policy.allowedModelDigests().contains(document.model().digest())) {
            throw new AttestationException(Reason.MODEL_NOT_ALLOWED,
                    "the document's model digest is not in the policy's allow-list");
        }
        if (document.powBits() > policy.maxProofOfWorkBits()) {
            throw new AttestationException(Reason.PROOF_OF_WORK_TOO_HARD, "the worker asks " + document.powBits()
                    + " bits of proof of work per request, above the policy's " + policy.maxProofOfWorkBits());
        }
        if (policy.maxPrice().isPresent() && !document.price().isAtMost(policy.maxPrice().get())) {
            throw new AttestationException(Reason.PRICE_ABOVE_CAP, "price " + document.price() + " above cap "
                    + policy.maxPrice().get());
        }
        Instant trustedUntil = expires.isBefore(maxAgeEnd) ? expires : maxAgeEnd;
        return new VerifiedWorker(document, keyConfig, suite, claims, trustedUntil);
    }

    /** Verifies every GPU the document lists, over the nonce derived from its report data. */
    private PlatformClaims withGpus(PlatformClaims claims, AttestationDocument document, Instant now) {
        if (policy.requiredGpus() == 0) {
            return claims;
        }
        List<GpuEvidence> gpus = document.gpuEvidence();
        if (gpus.size() < policy.requiredGpus()) {
            throw new AttestationException(Reason.GPU_EVIDENCE_MISSING, "the policy requires "
                    + policy.requiredGpus() + " attested GPUs, the document has " + gpus.size());
        }
        byte[] nonce = GpuEvidence.nonceFor(document.reportData());
        Map<String, String> measurements = new LinkedHashMap<>(claims.measurements());
        for (int i = 0; i < gpus.size(); i++) {
            GpuClaims gpu = policy.gpuVerifier().orElseThrow().verify(gpus.get(i), nonce, now);
            measurements.put("gpu" + i + ".architecture", gpu.architecture());
            int index = i;
            gpu.measurements().forEach((block, value) -> measurements.put("gpu" + index + ".m" + block, value));
        }
        return new PlatformClaims(claims.platform(), claims.secure(), measurements);
    }
}
