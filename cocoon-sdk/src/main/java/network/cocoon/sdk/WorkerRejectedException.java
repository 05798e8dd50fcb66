package network.cocoon.sdk;

import network.cocoon.sdk.protocol.ErrorCode;

/**
 * The worker refused the request with an HTTP error. Such refusals are not authenticated (a relay could
 * forge one), so they only ever mean "no answer", never an answer.
 */
public final class WorkerRejectedException extends CocoonException {
    private static final long serialVersionUID = 1L;

    /** The HTTP status the worker answered with. */
    private final int httpStatus;
    /** The worker's error code. */
    private final ErrorCode code;

    /** A refusal with its HTTP status and code. */
    public WorkerRejectedException(int httpStatus, ErrorCode code, String message) {
        super("worker refused the request (HTTP " + httpStatus + ", " + code.wireName() + "): " + message, null);
        this.httpStatus = httpStatus;
        this.code = code;
    }

    /** The HTTP status, or 200 for a refusal inside a stream. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The worker's error code; {@link ErrorCode#UNKNOWN} if it sent none this SDK knows. */
    public ErrorCode code() {
        return code;
    }
}
