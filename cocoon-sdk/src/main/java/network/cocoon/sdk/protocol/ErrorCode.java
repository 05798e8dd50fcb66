package network.cocoon.sdk.protocol;

import java.util.Arrays;
import java.util.Locale;

/**
 * Why a worker refused a request. Sent in clear as {@code {"error":{"code":..., "message":...}}} with the
 * HTTP status given here; a relay could forge it, so a client treats it as a refusal, never as a result.
 */
public enum ErrorCode {
    /** The message is not a sealed request (too short, bad header, wrong content type). */
    MALFORMED_MESSAGE(400),
    /** The request is sealed to a key id the worker does not hold (its attestation is stale). */
    UNKNOWN_KEY_ID(422),
    /** The request uses an HPKE suite the worker does not offer. */
    UNSUPPORTED_SUITE(400),
    /** The sealed request failed authentication. */
    DECRYPTION_FAILED(400),
    /** The decrypted body is not a valid inference request. */
    INVALID_REQUEST(400),
    /** The request id was seen before. */
    REPLAYED_REQUEST(409),
    /** The request's timestamp is outside the worker's window. */
    STALE_TIMESTAMP(422),
    /** The client's price cap is below the worker's price. */
    PRICE_NOT_ACCEPTED(422),
    /**
     * The request carries no promise, or one that does not cover what the client owes plus this request's
     * maximum cost. Sealed to the request's response key, with a {@link PaymentDemand}.
     */
    PAYMENT_REQUIRED(402),
    /** The request's payment promise fails a check (signature, layout, channel, seqno, deposit). */
    INVALID_PAYMENT(400),
    /** The worker takes no payments, but the request carries one. */
    PAYMENT_NOT_ACCEPTED(422),
    /** The requested model is not the one served. */
    MODEL_NOT_SERVED(404),
    /** The message exceeds the worker's size limit. */
    MESSAGE_TOO_LARGE(413),
    /** The content type is not {@code message/ohttp-req}. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** The request's header section is larger than the worker accepts. */
    HEADERS_TOO_LARGE(431),
    /** The request did not arrive in time (its head, or its body below the minimum data rate). */
    REQUEST_TIMEOUT(408),
    /**
     * The HTTP message itself is malformed: request line, headers or body framing (a bad chunk size, an
     * unsupported transfer coding). The HTTP status is 400, or the more precise one the HTTP layer chose
     * (414, 501, 505).
     */
    BAD_HTTP(400),
    /** The method is not allowed on this path. */
    METHOD_NOT_ALLOWED(405),
    /** The path does not exist. */
    NOT_FOUND(404),
    /** The worker's queue is full; try another worker or later. */
    BUSY(503),
    /** The worker asks for proof of work ({@code pow_bits}) and the request carried none that verifies. */
    PROOF_OF_WORK_REQUIRED(428),
    /** This client is over its request rate or its requests in flight; {@code Retry-After} says when to retry. */
    RATE_LIMITED(429),
    /** The worker failed; the request may or may not have been processed. */
    INTERNAL_ERROR(500),
    /** A code this client version does not know. */
    UNKNOWN(0);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the worker answers with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The name on the wire, e.g. {@code replayed_request}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The code for a wire name; {@link #UNKNOWN} for a name this version does not know. */
    public static ErrorCode fromWireName(String name) {
        return Arrays.stream(values()).filter(c -> c != UNKNOWN && c.wireName().equals(name)).findFirst()
                .orElse(UNKNOWN);
    }
}
