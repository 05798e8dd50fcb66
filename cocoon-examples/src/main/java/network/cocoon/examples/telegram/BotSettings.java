package network.cocoon.examples.telegram;

import java.time.Duration;
import java.util.Objects;

/**
 * How the bot polls and answers.
 *
 * @param editInterval the least time between two edits of a streaming reply (Telegram limits edits per chat)
 * @param pollTimeoutSeconds how long one {@code getUpdates} call waits for news
 * @param maxTokens the most tokens per answer
 * @param temperature the sampling temperature; 0 is greedy
 */
public record BotSettings(Duration editInterval, int pollTimeoutSeconds, int maxTokens, double temperature) {
    /** Validates ranges. */
    public BotSettings {
        Objects.requireNonNull(editInterval, "editInterval");
        if (editInterval.isNegative() || pollTimeoutSeconds < 0 || maxTokens < 1) {
            throw new IllegalArgumentException("edit interval and poll timeout must not be negative, max tokens"
                    + " at least 1");
        }
    }
}
