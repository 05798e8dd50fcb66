package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.chat.InvalidFieldException;

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
        if (cocoon == null) {
            throw new InvalidFieldException("cocoon", "is required");
        }
        ChatRequest checked = new ChatRequest(model, messages, maxTokens, temperature, topP, topK, seed, stop);
        messages = checked.messages();
        stop = checked.stop();
    }

    /**
     * The wire form, with the documented defaults for absent fields: {@code max_tokens} and {@code cocoon}
     * are required; {@code temperature} and {@code top_p} default to 1, {@code top_k} to 0 (no cut),
     * {@code stop} to none, {@code stream} to false, and {@code model} and {@code seed} to absent.
     */
    @JsonCreator
    static InferenceRequest fromJson(@JsonProperty("model") String model,
                                     @JsonProperty("messages") List<ChatMessage> messages,
                                     @JsonProperty("max_tokens") Integer maxTokens,
                                     @JsonProperty("temperature") Double temperature,
                                     @JsonProperty("top_p") Double topP, @JsonProperty("top_k") Integer topK,
                                     @JsonProperty("seed") Long seed, @JsonProperty("stop") List<String> stop,
                                     @JsonProperty("stream") Boolean stream,
                                     @JsonProperty("cocoon") RequestEnvelope cocoon) {
        if (maxTokens == null) {
            throw new InvalidFieldException("max_tokens", "is required");
        }
        return new InferenceRequest(model, messages, maxTokens, temperature == null ? 1.0 : temperature,
                topP == null ? 1.0 : topP, topK == null ? 0 : topK, seed, stop, stream != null && stream, cocoon);
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
