package network.cocoon.worker.inference;

import java.util.Locale;

/** Why generation stopped. */
public enum FinishReason {
    /** End of turn token or a stop sequence. */
    STOP,
    /** The token limit was reached. */
    LENGTH,
    /** The client went away. */
    CANCELLED;

    /** The OpenAI {@code finish_reason} value. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
