package network.cocoon.worker.inference;

import java.util.Objects;

/**
 * A finished generation.
 *
 * @param text the generated text (stop sequence excluded)
 * @param finishReason why it stopped
 * @param promptTokens tokens of the formatted prompt
 * @param completionTokens tokens generated, each one charged
 */
public record Generation(String text, FinishReason finishReason, int promptTokens, int completionTokens) {
    /** Validates presence and counts. */
    public Generation {
        Objects.requireNonNull(text);
        Objects.requireNonNull(finishReason);
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be non-negative");
        }
    }

    /** Hides the text. */
    @Override
    public String toString() {
        return "Generation[" + finishReason + ", " + promptTokens + "+" + completionTokens + " tokens]";
    }
}
