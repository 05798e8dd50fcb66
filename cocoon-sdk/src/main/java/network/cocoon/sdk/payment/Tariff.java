package network.cocoon.sdk.payment;

import java.nio.charset.StandardCharsets;
import java.util.List;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.protocol.Price;

/**
 * The one rule that turns tokens into nanotons, used by worker and client alike:
 * {@code amount = floor((prompt_tokens × prompt_per_1k + completion_tokens × completion_per_1k) / 1000)}, in
 * exact integer arithmetic. Fractions of a nanoton are never charged; a result that does not fit a signed
 * 64-bit integer is refused, never wrapped.
 */
public final class Tariff {
    /** Tokens a message's chat-template framing may add beyond its content (roles, separators). */
    public static final int TEMPLATE_TOKENS_PER_MESSAGE = 16;
    /** Tokens the template may add once per prompt (the assistant header, a beginning-of-text token). */
    public static final int TEMPLATE_TOKENS_PER_PROMPT = 16;

    private Tariff() {
    }

    /**
     * Nanotons charged for the given token counts.
     *
     * @throws ArithmeticException if the amount does not fit 63 bits
     */
    public static long amount(Price price, long promptTokens, long completionTokens) {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be non-negative");
        }
        long milli = Math.addExact(Math.multiplyExact(promptTokens, price.promptPer1k()),
                Math.multiplyExact(completionTokens, price.completionPer1k()));
        return milli / 1000;
    }

    /**
     * The client's bound on a prompt's tokens, with no tokenizer at hand: each message's UTF-8 bytes plus
     * {@link #TEMPLATE_TOKENS_PER_MESSAGE}, plus {@link #TEMPLATE_TOKENS_PER_PROMPT}. Byte-level BPE, byte-fallback
     * SentencePiece and character tokenizers never make more tokens than bytes; a worker that counts more
     * answers 402 with the amount it needs, which the SDK pays once if the caller's cap allows.
     */
    public static long promptBound(List<ChatMessage> messages) {
        long bound = TEMPLATE_TOKENS_PER_PROMPT;
        for (ChatMessage message : messages) {
            bound += message.content().getBytes(StandardCharsets.UTF_8).length + TEMPLATE_TOKENS_PER_MESSAGE;
        }
        return bound;
    }
}
