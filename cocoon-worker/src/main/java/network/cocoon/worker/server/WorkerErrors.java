package network.cocoon.worker.server;

import network.cocoon.sdk.protocol.ErrorCode;

/**
 * The fixed texts of the worker's refusals. Refusals travel in clear, so their messages are protocol: built
 * only from these texts, the worker's own limits and the names of request fields, never from request bytes
 * or exception messages.
 */
final class WorkerErrors {
    private WorkerErrors() {
    }

    /** The text for a code when nothing more specific is said. */
    static String messageFor(ErrorCode code) {
        return switch (code) {
            case MALFORMED_MESSAGE -> "the body is not a sealed request";
            case UNKNOWN_KEY_ID -> "the request is sealed to a key id this worker does not hold";
            case UNSUPPORTED_SUITE -> "the request's HPKE suite is not offered by this worker";
            case DECRYPTION_FAILED -> "the sealed request failed authentication";
            case INVALID_REQUEST -> "the request body is not a valid inference request";
            case REPLAYED_REQUEST -> "request id already seen";
            case STALE_TIMESTAMP -> "timestamp outside the worker's window";
            case PRICE_NOT_ACCEPTED -> "the attested price exceeds max_price";
            case MODEL_NOT_SERVED -> "this worker does not serve the requested model";
            case MESSAGE_TOO_LARGE -> "the request is larger than this worker accepts";
            case HEADERS_TOO_LARGE -> "the request's header section is larger than this worker accepts";
            case REQUEST_TIMEOUT -> "the request did not arrive in time";
            case BAD_HTTP -> "the HTTP message is malformed";
            case UNSUPPORTED_MEDIA_TYPE -> "content type must be message/ohttp-req";
            case METHOD_NOT_ALLOWED -> "method not allowed on this path";
            case NOT_FOUND -> "no such path";
            case BUSY -> "the worker is busy";
            case RATE_LIMITED -> "this client is over its request limits";
            case PROOF_OF_WORK_REQUIRED -> "this worker asks for proof of work (pow_bits) in Cocoon-Pow";
            case PAYMENT_REQUIRED -> "the promise does not cover what is owed plus this request";
            case INVALID_PAYMENT -> "the payment promise is not valid";
            case PAYMENT_NOT_ACCEPTED -> "this worker takes no payment";
            case INTERNAL_ERROR -> "internal error";
            case UNKNOWN -> "error";
        };
    }
}
