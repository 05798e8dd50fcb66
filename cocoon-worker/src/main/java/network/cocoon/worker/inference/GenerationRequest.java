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
 * @param admission called with the exact token counts before the request is queued; may refuse it
 */
public record GenerationRequest(List<ChatMessage> messages, int maxTokens, double temperature, double topP, int topK,
                                Long seed, List<String> stop, BooleanSupplier cancelled, Admission admission) {
    /** Copies lists and validates presence. */
    public GenerationRequest {
        messages = List.copyOf(messages);
        stop = List.copyOf(stop);
        Objects.requireNonNull(cancelled);
        Objects.requireNonNull(admission);
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1");
        }
    }

    /** A request that every admission accepts. */
    public GenerationRequest(List<ChatMessage> messages, int maxTokens, double temperature, double topP, int topK,
                             Long seed, List<String> stop, BooleanSupplier cancelled) {
        this(messages, maxTokens, temperature, topP, topK, seed, stop, cancelled, Admission.ANY);
    }

    /** The generation parameters of a decrypted request. */
    public static GenerationRequest of(InferenceRequest request, BooleanSupplier cancelled) {
        return of(request, cancelled, Admission.ANY);
    }

    /** The generation parameters of a decrypted request, admitted by {@code admission}. */
    public static GenerationRequest of(InferenceRequest request, BooleanSupplier cancelled, Admission admission) {
        return new GenerationRequest(request.messages(), request.maxTokens(), request.temperature(), request.topP(),
                request.topK(), request.seed(), request.stop(), cancelled, admission);
    }

    /** Hides the messages. */
    @Override
    public String toString() {
        return "GenerationRequest[messages=" + messages.size() + ", maxTokens=" + maxTokens + "]";
    }
}
