package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;

/**
 * The plaintext of a sealed request: an OpenAI chat completions request plus the {@code cocoon} envelope.
 *
 * @param model requested model id, or {@code null} for the worker's
 * @param messages the conversation
 * @param maxTokens most tokens to generate
 * @param temperature sampling temperature, 0 for greedy
 * @param topP nucleus mass
 * @param topK top-k cut, 0 for none
 * @param seed sampler seed or {@code null}
 * @param stop stop sequences
 * @param stream whether the response is streamed in chunks
 * @param cocoon request id, timestamp and accepted price
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceRequest(String model, List<ChatMessage> messages,
                               @JsonProperty("max_tokens") int maxTokens, double temperature,
                               @JsonProperty("top_p") double topP, @JsonProperty("top_k") int topK, Long seed,
                               List<String> stop, boolean stream, RequestEnvelope cocoon) {
    /** Validates the parameters with the same rules as {@link ChatRequest}. */
    public InferenceRequest {
        Objects.requireNonNull(cocoon, "cocoon");
        ChatRequest checked = new ChatRequest(model, messages, maxTokens, temperature, topP, topK, seed, stop);
        messages = checked.messages();
        stop = checked.stop();
    }

    /** The wire form of a chat request. */
    public static InferenceRequest of(ChatRequest request, boolean stream, RequestEnvelope cocoon) {
        return new InferenceRequest(request.model(), request.messages(), request.maxTokens(), request.temperature(),
                request.topP(), request.topK(), request.seed(), request.stop(), stream, cocoon);
    }

    /** Hides the messages, which must never reach logs. */
    @Override
    public String toString() {
        return "InferenceRequest[requestId=" + cocoon.requestId() + ", stream=" + stream + "]";
    }
}
