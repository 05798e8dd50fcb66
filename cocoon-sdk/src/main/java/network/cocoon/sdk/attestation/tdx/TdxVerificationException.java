package network.cocoon.sdk.attestation.tdx;

/** A TDX quote or its collateral failed verification; the reason names the exact check. */
public final class TdxVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Reason {
        /** The quote's bytes are not a well-formed TDX quote v4 or v5. */
        MALFORMED_QUOTE,
        /** The quote's header names another TEE, key type or QE vendor. */
        UNSUPPORTED_QUOTE,
        /** The collateral is malformed (bad PEM, DER, JSON or hex). */
        MALFORMED_COLLATERAL,
        /** The quote's ECDSA signature by its attestation key is invalid. */
        QUOTE_SIGNATURE_INVALID,
        /** The QE report's signature by the PCK key is invalid. */
        QE_REPORT_SIGNATURE_INVALID,
        /** The QE report data is not SHA-256(attestation key || QE auth data) padded with zeros. */
        QE_REPORT_DATA_MISMATCH,
        /** The PCK certificate chain does not lead to the pinned Intel root, or a certificate is not valid then. */
        PCK_CHAIN_INVALID,
        /** A certificate of a chain is revoked by a CRL. */
        CERTIFICATE_REVOKED,
        /** A CRL is not signed by its issuer or is outside its validity at the verification time. */
        CRL_INVALID,
        /** The TCB info's signing chain or signature is invalid. */
        TCB_INFO_SIGNATURE_INVALID,
        /** The QE identity's signing chain or signature is invalid. */
        QE_IDENTITY_SIGNATURE_INVALID,
        /** The verification time is outside the collateral's issue date and next update. */
        COLLATERAL_EXPIRED,
        /** The TCB info does not describe this platform (FMSPC, PCE id or TEE type differ). */
        TCB_INFO_MISMATCH,
        /** The QE is not the one Intel's QE identity describes (MRSIGNER, ISV product id, attributes). */
        QE_IDENTITY_MISMATCH,
        /** The TDX module's signer or attributes are not those of the TCB info's module identity. */
        TDX_MODULE_MISMATCH,
        /** No TCB level of the TCB info applies to the platform's SVNs. */
        TCB_LEVEL_NOT_FOUND
    }

    /** Which check failed. */
    private final Reason reason;

    /** A failure for the given reason. */
    public TdxVerificationException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** A failure for the given reason, with its cause. */
    public TdxVerificationException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    /** The check that failed. */
    public Reason reason() {
        return reason;
    }
}
