package network.cocoon.sdk;

import java.util.Objects;
import java.util.Optional;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.payment.Payment;

/**
 * An answer that passed every check, and what was checked.
 *
 * @param completion the OpenAI-shaped completion
 * @param verification what the SDK verified about it
 * @param payment the promise and verified receipt that paid for it; empty for a worker that takes no payment
 */
public record VerifiedCompletion(ChatCompletion completion, Verification verification, Optional<Payment> payment) {
    /** Validates presence. */
    public VerifiedCompletion {
        Objects.requireNonNull(completion);
        Objects.requireNonNull(verification);
        Objects.requireNonNull(payment);
    }

    /** An unpaid answer. */
    public VerifiedCompletion(ChatCompletion completion, Verification verification) {
        this(completion, verification, Optional.empty());
    }

    /** The answer text. */
    public String content() {
        return completion.content();
    }
}
