package network.cocoon.sdk.protocol;

import java.util.Objects;
import network.cocoon.sdk.chat.ChatCompletion;

/**
 * The plaintext of a single-shot sealed response.
 *
 * @param completion the OpenAI-shaped answer
 * @param result the worker's signed statement about it
 */
public record SealedResponseBody(ChatCompletion completion, SignedResult result) {
    /** Validates presence. */
    public SealedResponseBody {
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(result, "result");
    }
}
