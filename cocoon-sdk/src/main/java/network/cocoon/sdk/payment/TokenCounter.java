package network.cocoon.sdk.payment;

import java.util.List;
import java.util.OptionalLong;
import network.cocoon.sdk.chat.ChatMessage;

/**
 * Counts tokens with the attested model's own tokenizer and chat template, so that the SDK can check what it is
 * billed for ({@code docs/protocol.md} §3 defines the counts). Optional: nothing else lets a client check a
 * count, and a worker that over-counts can only take what the promise allows; with a counter it cannot.
 *
 * <p>The SDK stays free of any tokenizer library: the application implements this with the tokenizer it has
 * (for example DJL's {@code HuggingFaceTokenizer} on the model's {@code tokenizer.json}).
 */
public interface TokenCounter {
    /** The prompt's tokens: the messages rendered by the chat template, special tokens counting one each. */
    long promptTokens(List<ChatMessage> messages);

    /**
     * The answer's tokens, when they can be known from its text: the text's tokens plus the end-of-turn token
     * when {@code finishReason} is {@code stop}. Empty when re-encoding the text may not give the generated
     * sequence (tokenizers are not bijective in general), in which case the SDK does not check it.
     */
    OptionalLong completionTokens(String content, String finishReason);
}
