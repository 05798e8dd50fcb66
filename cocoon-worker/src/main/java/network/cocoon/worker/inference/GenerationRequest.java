package network.cocoon.worker.inference;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.protocol.InferenceRequest;

/**
 * What to generate.
 *
 * @param messages the conversation
 * @param maxTokens most tokens to generate
 * @param temperature 0 for greedy
 * @param topP nucleus mass
 * @param topK top-k cut, 0 for none
 * @param seed sampler seed, or {@code null} for a random one
 * @param stop stop sequences
 * @param cancelled polled between steps; generation ends with {@link FinishReason#CANCELLED} when true
 */
public record GenerationRequest(List<ChatMessage> messages, int maxTokens, double temperature, double topP, int topK,
                                Long seed, List<String> stop, BooleanSupplier cancelled) {
    /** Copies lists and validates presence. */
    public GenerationRequest {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        Objects.requireNonNull(cancelled);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1");
        }
    }

    /** The generation parameters of a decrypted request. */
    public static GenerationRequest of(InferenceRequest request, BooleanSupplier cancelled) {
        return new GenerationRequest(request.messages(), request.maxTokens(), request.temperature(), request.topP(),
                request.topK(), request.seed(), request.stop(), cancelled);
    }

    /** Hides the messages. */
    @Override
    public String toString() {
        return "GenerationRequest[messages=" + messages.size() + ", maxTokens=" + maxTokens + "]";
    }
}
