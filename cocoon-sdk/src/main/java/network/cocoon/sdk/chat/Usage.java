package network.cocoon.sdk.chat;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Token counts of one completion, as the worker's tokenizer counted them.
 *
 * @param promptTokens tokens of the formatted prompt
 * @param completionTokens tokens generated
 * @param totalTokens their sum
 */
public record Usage(@JsonProperty("prompt_tokens") long promptTokens,
                    @JsonProperty("completion_tokens") long completionTokens,
                    @JsonProperty("total_tokens") long totalTokens) {
    /** Validates that counts are non-negative and add up. */
    public Usage {
        if (promptTokens < 0) {
            throw new InvalidFieldException("prompt_tokens", "must be at least 0");
        }
        if (completionTokens < 0) {
            throw new InvalidFieldException("completion_tokens", "must be at least 0");
        }
        if (totalTokens != promptTokens + completionTokens) {
            throw new InvalidFieldException("total_tokens", "must equal prompt_tokens + completion_tokens");
        }
    }

    /** Usage with the total computed. */
    public static Usage of(long promptTokens, long completionTokens) {
        return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
    }
}
