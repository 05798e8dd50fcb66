package network.cocoon.worker.inference;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.InvalidFieldException;

/** How a conversation becomes the prompt text a chat model was trained on. */
public enum ChatTemplate {
    /** ChatML ({@code <|im_start|>role\ncontent<|im_end|>}), used by Qwen2, SmolLM and Cocoon's small model. */
    CHATML("<|im_end|>") {
        @Override
        public String render(List<ChatMessage> messages) {
            StringBuilder out = new StringBuilder();
            for (ChatMessage m : messages) {
                out.append("<|im_start|>").append(m.role()).append('\n').append(m.content()).append("<|im_end|>\n");
            }
            return out.append("<|im_start|>assistant\n").toString();
        }
    },
    /** Llama 3 ({@code <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>}). */
    LLAMA3("<|eot_id|>") {
        @Override
        public String render(List<ChatMessage> messages) {
            StringBuilder out = new StringBuilder("<|begin_of_text|>");
            for (ChatMessage m : messages) {
                out.append("<|start_header_id|>").append(m.role()).append("<|end_header_id|>\n\n")
                        .append(m.content()).append("<|eot_id|>");
            }
            return out.append("<|start_header_id|>assistant<|end_header_id|>\n\n").toString();
        }
    };

    private static final Set<String> ROLES = Set.of("system", "user", "assistant");

    private final String endOfTurn;

    ChatTemplate(String endOfTurn) {
        this.endOfTurn = endOfTurn;
    }

    /** The prompt text: every message, then the opening of the assistant's turn. */
    public abstract String render(List<ChatMessage> messages);

    /** The special token that ends a turn. */
    public String endOfTurn() {
        return endOfTurn;
    }

    /**
     * Checks that messages cannot inject template syntax: roles are the three known ones, and no content
     * contains a special token of the template.
     *
     * @throws InvalidFieldException naming the field and the rule (never the content)
     */
    public void validate(List<ChatMessage> messages) {
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (!ROLES.contains(m.role())) {
                throw new InvalidFieldException("messages[" + i + "].role", "must be system, user or assistant");
            }
            if (m.content().contains("<|")) {
                throw new InvalidFieldException("messages[" + i + "].content",
                        "must not contain special-token syntax '<|'");
            }
        }
    }

    /** The template for a name ({@code chatml}, {@code llama3}). */
    public static ChatTemplate named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "chatml" -> CHATML;
            case "llama3", "llama-3" -> LLAMA3;
            default -> throw new IllegalArgumentException("unknown chat template '" + name + "' (chatml, llama3)");
        };
    }
}
