package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The {@code cocoon} part of a sealed request body: what the worker needs beyond the OpenAI parameters.
 *
 * @param requestId 128 random bits as 32 lowercase hex digits; the worker refuses a repeat
 * @param timestamp client clock, milliseconds since the epoch; the worker refuses one outside its window
 * @param maxPrice the highest price per 1,000 tokens the client accepts
 */
public record RequestEnvelope(@JsonProperty("request_id") String requestId, long timestamp,
                              @JsonProperty("max_price") Price maxPrice) {
    /** Validates the request id's form. */
    public RequestEnvelope {
        Objects.requireNonNull(requestId, "request_id");
        Objects.requireNonNull(maxPrice, "max_price");
        if (!requestId.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("request_id must be 32 lowercase hex digits");
        }
    }
}
