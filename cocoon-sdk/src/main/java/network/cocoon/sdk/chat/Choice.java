package network.cocoon.sdk.chat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * One generated answer.
 *
 * @param index position among the choices (Cocoon workers return one)
 * @param message the assistant message
 * @param finishReason {@code stop} (end of turn or stop sequence) or {@code length} (max tokens reached)
 */
public record Choice(int index, ChatMessage message, @JsonProperty("finish_reason") String finishReason) {
    /** Validates that the message and reason are present. */
    public Choice {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(finishReason, "finish_reason");
    }
}
