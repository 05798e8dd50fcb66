package network.cocoon.worker.inference;

import java.util.Objects;

/**
 * A finished generation.
 *
 * @param text the generated text (stop sequence excluded)
 * @param finishReason why it stopped
 * @param promptTokens tokens of the formatted prompt
 * @param completionTokens tokens generated, each one charged
 * @param firstTextNanos {@link System#nanoTime()} when the engine released the first piece of text, 0 when it
 *     released none or did not record it
 * @param lastTextNanos {@link System#nanoTime()} when it released the last piece, 0 likewise
 */
public record Generation(String text, FinishReason finishReason, int promptTokens, int completionTokens,
                         long firstTextNanos, long lastTextNanos) {
    /** Validates presence and counts. */
    public Generation {
        Objects.requireNonNull(text);
        Objects.requireNonNull(finishReason);
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be non-negative");
        }
    }

    /** A generation whose text release times were not recorded. */
    public Generation(String text, FinishReason finishReason, int promptTokens, int completionTokens) {
        this(text, finishReason, promptTokens, completionTokens, 0, 0);
    }

    /** Hides the text. */
    @Override
    public String toString() {
        return "Generation[" + finishReason + ", " + promptTokens + "+" + completionTokens + " tokens]";
    }
}
