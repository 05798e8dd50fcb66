package network.cocoon.sdk.chat;

/**
 * One message of a chat, as in the OpenAI chat completions API.
 *
 * @param role {@code system}, {@code user} or {@code assistant}
 * @param content the message text
 */
public record ChatMessage(String role, String content) {
    /** Validates that both parts are present. */
    public ChatMessage {
        if (role == null) {
            throw new InvalidFieldException("role", "is required");
        }
        if (content == null) {
            throw new InvalidFieldException("content", "is required");
        }
    }

    /** A {@code system} message. */
    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /** A {@code user} message. */
    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    /** An {@code assistant} message. */
    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** Hides the content: prompts and answers must never reach logs through {@code toString}. */
    @Override
    public String toString() {
        return "ChatMessage[role=" + role + ", content=<" + content.length() + " chars>]";
    }
}
