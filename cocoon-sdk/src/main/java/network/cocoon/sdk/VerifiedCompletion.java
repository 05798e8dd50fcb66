package network.cocoon.sdk;

import java.util.Objects;
import network.cocoon.sdk.chat.ChatCompletion;

/**
 * An answer that passed every check, and what was checked.
 *
 * @param completion the OpenAI-shaped completion
 * @param verification what the SDK verified about it
 */
public record VerifiedCompletion(ChatCompletion completion, Verification verification) {
    /** Validates presence. */
    public VerifiedCompletion {
        Objects.requireNonNull(completion);
        Objects.requireNonNull(verification);
    }

    /** The answer text. */
    public String content() {
        return completion.content();
    }
}
