package network.cocoon.sdk;

import java.time.Duration;
import java.util.Optional;
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
    /** The worker's {@code Retry-After}, in seconds, or -1 when it sent none this SDK reads. */
    private final long retryAfterSeconds;

    /** A refusal with its HTTP status and code, and no {@code Retry-After}. */
    public WorkerRejectedException(int httpStatus, ErrorCode code, String message) {
        this(httpStatus, code, message, null);
    }

    /**
     * A refusal with its HTTP status, code and the worker's {@code Retry-After} header.
     *
     * @param retryAfter the header's value as sent, or {@code null}; only delta-seconds from 0 to 86,400 are
     *     read, anything else is as if absent (an HTTP date would need a trusted clock to mean anything)
     */
    public WorkerRejectedException(int httpStatus, ErrorCode code, String message, String retryAfter) {
        super("worker refused the request (HTTP " + httpStatus + ", " + code.wireName() + "): " + message, null);
        this.httpStatus = httpStatus;
        this.code = code;
        this.retryAfterSeconds = parseRetryAfter(retryAfter);
    }

    private static long parseRetryAfter(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 5 || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        long seconds = Long.parseLong(v);
        return seconds <= 86_400 ? seconds : -1;
    }

    /** The HTTP status, or 200 for a refusal inside a stream. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The worker's error code; {@link ErrorCode#UNKNOWN} if it sent none this SDK knows. */
    public ErrorCode code() {
        return code;
    }

    /**
     * How long the worker asked the client to wait before asking again ({@code Retry-After}, sent with
     * {@link ErrorCode#BUSY} and {@link ErrorCode#RATE_LIMITED}); empty when it named no such delay. Like the
     * rest of an HTTP refusal it is unauthenticated: treat it as a hint and bound your own waiting.
     */
    public Optional<Duration> retryAfter() {
        return retryAfterSeconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(retryAfterSeconds));
    }
}
