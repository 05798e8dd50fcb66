package network.cocoon.sdk.protocol;

import network.cocoon.sdk.chat.InvalidFieldException;

/**
 * A worker's price in nanotons (1 TON = 10^9 nanotons) per 1,000 tokens.
 *
 * @param promptPer1k nanotons per 1,000 prompt tokens
 * @param completionPer1k nanotons per 1,000 completion tokens
 */
public record Price(long promptPer1k, long completionPer1k) {
    /** Validates that both prices are non-negative. */
    public Price {
        if (promptPer1k < 0) {
            throw new InvalidFieldException("promptPer1k", "must be at least 0");
        }
        if (completionPer1k < 0) {
            throw new InvalidFieldException("completionPer1k", "must be at least 0");
        }
    }

    /** Whether neither part of this price exceeds the corresponding part of {@code cap}. */
    public boolean isAtMost(Price cap) {
        return promptPer1k <= cap.promptPer1k && completionPer1k <= cap.completionPer1k;
    }
}
