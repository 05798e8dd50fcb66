package network.cocoon.sdk;

/**
 * A response from an attested worker failed a check: it was changed on the way, or the worker answered
 * something other than what it signed. Nothing of such a response should be used.
 */
public final class IntegrityException extends CocoonException {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Reason {
        /** The response did not authenticate under the request's HPKE context. */
        DECRYPTION_FAILED,
        /** The decrypted response is not valid JSON of the expected shape, or has the wrong content type. */
        MALFORMED_RESPONSE,
        /** A stream chunk failed authentication: changed, dropped, reordered or wrongly flagged. */
        CHUNK_AUTHENTICATION_FAILED,
        /** The stream ended before its final chunk. */
        STREAM_TRUNCATED,
        /** Bytes or events followed the final chunk. */
        DATA_AFTER_FINAL,
        /** A stream chunk was larger than allowed. */
        CHUNK_TOO_LARGE,
        /** The completion names another request id. */
        REQUEST_ID_MISMATCH,
        /** The completion names a model other than the attested one. */
        MODEL_MISMATCH,
        /** The statement's request hash is not the hash of the bytes sent. */
        REQUEST_HASH_MISMATCH,
        /** The statement's completion hash is not the hash of the completion received. */
        COMPLETION_HASH_MISMATCH,
        /** The statement's model digest is not the attested one. */
        MODEL_DIGEST_MISMATCH,
        /** The statement's token counts differ from the completion's usage. */
        USAGE_MISMATCH,
        /** The statement's receipt hash is not the expected one. */
        RECEIPT_HASH_MISMATCH,
        /** More completion tokens were reported than the request allowed. */
        MAX_TOKENS_EXCEEDED,
        /** The statement's signature is not valid under the attested signing key. */
        SIGNATURE_INVALID
    }

    /** Which check failed. */
    private final Reason reason;

    /** An integrity failure for the given reason. */
    public IntegrityException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** An integrity failure for the given reason, with its cause. */
    public IntegrityException(Reason reason, String message, Throwable cause) {
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
