package network.cocoon.sdk.chat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Objects;

/**
 * A chat completion in the OpenAI {@code chat.completion} shape.
 *
 * @param id completion id, {@code chatcmpl-} followed by the request id
 * @param object always {@code chat.completion}
 * @param created worker's clock, seconds since the epoch
 * @param model id of the model that answered
 * @param choices exactly one choice
 * @param usage token counts
 */
public record ChatCompletion(String id, String object, long created, String model, List<Choice> choices,
                             Usage usage) {
    /** The value of {@code object}. */
    public static final String OBJECT = "chat.completion";

    /** Validates the shape: one choice, every part present. */
    public ChatCompletion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(usage, "usage");
        if (!OBJECT.equals(object)) {
            throw new InvalidFieldException("object", "must be " + OBJECT);
        }
        if (choices == null || choices.size() != 1) {
            throw new IllegalArgumentException("a Cocoon completion has exactly one choice");
        }
        choices = List.copyOf(choices);
    }

    /** The completion id for a request id (hex). */
    public static String idFor(String requestId) {
        return "chatcmpl-" + requestId;
    }

    /** The answer text. */
    @JsonIgnore
    public String content() {
        return choices.get(0).message().content();
    }

    /** Why generation stopped: {@code stop} or {@code length}. */
    @JsonIgnore
    public String finishReason() {
        return choices.get(0).finishReason();
    }

    /** Builds a one-choice completion. */
    public static ChatCompletion of(String id, long created, String model, String content, String finishReason,
                                    Usage usage) {
        return new ChatCompletion(id, OBJECT, created, model,
                List.of(new Choice(0, ChatMessage.assistant(content), finishReason)), usage);
    }

    /** Hides the content, which must never reach logs. */
    @Override
    public String toString() {
        return "ChatCompletion[id=" + id + ", model=" + model + ", usage=" + usage + "]";
    }
}
