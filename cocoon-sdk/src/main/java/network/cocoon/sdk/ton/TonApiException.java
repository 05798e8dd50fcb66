package network.cocoon.sdk.ton;

/** An on-chain call failed: the API could not be reached, refused the call, or answered something unexpected. */
public final class TonApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the call failed. */
    public enum Reason {
        /** The API did not answer (connection, timeout). */
        UNREACHABLE,
        /** The API answered with an error (HTTP status or {@code ok: false}). */
        API_ERROR,
        /** The get-method ran and exited with a non-zero code (for example, no contract at the address). */
        EXIT_CODE,
        /** The answer is not of the documented shape; the field is named. */
        MALFORMED_RESPONSE
    }

    /** Why the call failed. */
    private final Reason reason;

    /** A failure for a reason. */
    public TonApiException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why it failed. */
    public Reason reason() {
        return reason;
    }
}
