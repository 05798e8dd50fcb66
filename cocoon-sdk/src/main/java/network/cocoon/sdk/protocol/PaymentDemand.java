package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a worker's {@code 402 payment_required} asks for. The refusal is sealed to the request's response key,
 * so only the worker that opened the request can make it; a client still pays at most its own cap.
 *
 * @param required the least {@code sent} the worker accepts for this request, nanotons: what it has charged on
 *     the channel plus what is reserved by requests in flight plus this request's maximum cost
 * @param charged what the worker has charged on the channel so far (its last receipt's cumulative)
 * @param lastSeqno the highest promise seqno the worker has stored for the channel
 */
public record PaymentDemand(long required, long charged, @JsonProperty("last_seqno") long lastSeqno) {
    /** Validates ranges. */
    public PaymentDemand {
        if (required < 0 || charged < 0 || lastSeqno < 0) {
            throw new IllegalArgumentException("a payment demand's numbers are non-negative");
        }
    }
}
