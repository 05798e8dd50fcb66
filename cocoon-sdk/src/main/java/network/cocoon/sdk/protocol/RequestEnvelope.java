package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.regex.Pattern;
import network.cocoon.sdk.chat.InvalidFieldException;

/**
 * The {@code cocoon} part of a sealed request body: what the worker needs beyond the OpenAI parameters.
 *
 * @param requestId 128 random bits as 32 lowercase hex digits; the worker refuses a repeat
 * @param timestamp client clock, milliseconds since the epoch; the worker refuses one outside its window
 * @param maxPrice the highest price per 1,000 tokens the client accepts
 * @param payment the channel and signed promise that pay for this request; absent for a worker that takes
 *     no payment
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RequestEnvelope(@JsonProperty("request_id") String requestId, long timestamp,
                              @JsonProperty("max_price") Price maxPrice, PaymentPromise payment) {
    private static final Pattern REQUEST_ID = Pattern.compile("[0-9a-f]{32}");

    /** Validates the request id's form. */
    public RequestEnvelope {
        if (requestId == null) {
            throw new InvalidFieldException("request_id", "is required");
        }
        if (maxPrice == null) {
            throw new InvalidFieldException("max_price", "is required");
        }
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new InvalidFieldException("request_id", "must be 32 lowercase hex digits");
        }
    }

    /** An envelope without payment. */
    public RequestEnvelope(String requestId, long timestamp, Price maxPrice) {
        this(requestId, timestamp, maxPrice, null);
    }
}
