package network.cocoon.sdk;

/** The worker's attestation document was not accepted: the SDK will not send it a prompt. */
public final class AttestationException extends CocoonException {
    private static final long serialVersionUID = 1L;

    /** Which check refused the document. */
    public enum Reason {
        /** The document is not valid JSON of the expected shape. */
        MALFORMED_DOCUMENT,
        /** The document's protocol version is not {@code cocoon/v1}. */
        UNSUPPORTED_VERSION,
        /** No verifier is configured for the document's platform. */
        UNSUPPORTED_PLATFORM,
        /** The document carries {@code dev} evidence and the policy does not allow insecure development. */
        INSECURE_DEVELOPMENT_NOT_ALLOWED,
        /** The platform evidence does not verify over the document's report data. */
        EVIDENCE_INVALID,
        /** The platform evidence verifies but its measurements are not allowed by the policy. */
        MEASUREMENT_NOT_ALLOWED,
        /** The evidence is genuine but does not cover this document (report data differs). */
        REPORT_DATA_MISMATCH,
        /** The TD runs in debug mode, which the policy does not allow. */
        DEBUG_NOT_ALLOWED,
        /** The TD is bound to service TDs (TDX 1.5 MRSERVICETD) that the policy does not allow. */
        SERVICE_TD_NOT_ALLOWED,
        /** The platform's TCB status is not one the policy accepts. */
        TCB_STATUS_NOT_ACCEPTED,
        /** The collateral needed to verify the evidence could not be obtained. */
        COLLATERAL_UNAVAILABLE,
        /** The policy requires GPU evidence and the document carries too little. */
        GPU_EVIDENCE_MISSING,
        /** A GPU's evidence is not a valid signed measurement report over this document's nonce. */
        GPU_EVIDENCE_INVALID,
        /** {@code issuedAt} is in the future beyond the allowed clock skew. */
        NOT_YET_VALID,
        /** {@code expiresAt} has passed. */
        EXPIRED,
        /** The document is older than the policy's maximum age. */
        TOO_OLD,
        /** The document does not echo the freshness nonce the client sent. */
        NONCE_MISMATCH,
        /** The HPKE key config is malformed or offers no suite Cocoon supports. */
        UNSUPPORTED_KEY_CONFIG,
        /** The signing key is not a 32-byte Ed25519 public key. */
        INVALID_SIGNING_KEY,
        /** The model is not one the policy allows. */
        MODEL_NOT_ALLOWED,
        /** The price exceeds the policy's cap. */
        PRICE_ABOVE_CAP,
        /** The document asks for more proof of work per request than the policy is willing to do. */
        PROOF_OF_WORK_TOO_HARD
    }

    /** Why the attestation was refused. */
    private final Reason reason;

    /** An attestation failure for the given reason. */
    public AttestationException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** An attestation failure for the given reason, with its cause. */
    public AttestationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The check that failed. */
    public Reason reason() {
        return reason;
    }

    @Override
    Object reasonTag() {
        return reason;
    }
}
