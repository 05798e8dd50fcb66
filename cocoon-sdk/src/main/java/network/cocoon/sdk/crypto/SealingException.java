package network.cocoon.sdk.crypto;

/**
 * A sealed message could not be opened. The reason says precisely which check failed; the message never
 * contains plaintext or key material.
 */
public final class SealingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which check failed. */
    public enum Reason {
        /** The bytes are not shaped like a message of this protocol (too short, bad header). */
        MALFORMED_MESSAGE,
        /** The request names a key id this worker does not hold. */
        UNKNOWN_KEY_ID,
        /** The request names a KEM, KDF or AEAD that the key config does not offer. */
        UNSUPPORTED_SUITE,
        /** AEAD authentication failed: wrong key, or a byte was changed, dropped or moved. */
        DECRYPTION_FAILED,
        /** The stream ended before its final chunk. */
        TRUNCATED_STREAM,
        /** Bytes followed the final chunk of a stream. */
        DATA_AFTER_FINAL,
        /** A stream chunk announced a length above the allowed maximum. */
        CHUNK_TOO_LARGE
    }

    /** Which check failed. */
    private final Reason reason;

    /** Creates an exception for the given failed check. */
    public SealingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Creates an exception for the given failed check, keeping its cause. */
    public SealingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The check that failed. */
    public Reason reason() {
        return reason;
    }
}
