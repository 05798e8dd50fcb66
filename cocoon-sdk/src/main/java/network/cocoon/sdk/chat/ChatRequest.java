package network.cocoon.sdk.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A chat completion request: the OpenAI parameters Cocoon workers honour. Immutable; build one with
 * {@link #builder()}.
 *
 * @param model the model id the caller expects, or {@code null} for whatever model the worker attests
 * @param messages the conversation, oldest first
 * @param maxTokens the most tokens to generate (the worker may charge up to this many)
 * @param temperature sampling temperature; {@code 0} means greedy decoding
 * @param topP nucleus sampling mass in (0, 1]
 * @param topK keep only the {@code topK} most likely tokens; {@code 0} keeps all (a Cocoon extension)
 * @param seed seed of the sampler, or {@code null} for a random one
 * @param stop stop sequences; generation ends before any of them
 */
public record ChatRequest(String model, List<ChatMessage> messages, int maxTokens, double temperature, double topP,
                          int topK, Long seed, List<String> stop) {
    /** Default for {@link #maxTokens()}. */
    public static final int DEFAULT_MAX_TOKENS = 256;

    /** Validates the parameters. */
    public ChatRequest {
        if (messages == null) {
            throw new InvalidFieldException("messages", "is required");
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i) == null) {
                throw new InvalidFieldException("messages[" + i + "]", "must be an object");
            }
        }
        messages = List.copyOf(messages);
        if (stop != null) {
            for (int i = 0; i < stop.size(); i++) {
                if (stop.get(i) == null || stop.get(i).isEmpty()) {
                    throw new InvalidFieldException("stop[" + i + "]", "must be a non-empty string");
                }
            }
        }
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (messages.isEmpty()) {
            throw new InvalidFieldException("messages", "must hold at least one message");
        }
        if (maxTokens < 1) {
            throw new InvalidFieldException("max_tokens", "must be at least 1");
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new InvalidFieldException("temperature", "must be in [0, 2]");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidFieldException("top_p", "must be in (0, 1]");
        }
        if (topK < 0) {
            throw new InvalidFieldException("top_k", "must be at least 0");
        }
    }

    /** A builder with defaults: max 256 tokens, temperature 1, top-p 1, no top-k, random seed. */
    public static Builder builder() {
        return new Builder();
    }

    /** Hides the messages, which must never reach logs. */
    @Override
    public String toString() {
        return "ChatRequest[model=" + model + ", messages=" + messages.size() + ", maxTokens=" + maxTokens + "]";
    }

    /** Builds a {@link ChatRequest}. */
    public static final class Builder {
        private String model;
        private final List<ChatMessage> messages = new ArrayList<>();
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private double temperature = 1.0;
        private double topP = 1.0;
        private int topK;
        private Long seed;
        private final List<String> stop = new ArrayList<>();

        private Builder() {
        }

        /** The model id the caller expects; the request fails if the attested model differs. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** Appends a message. */
        public Builder message(ChatMessage message) {
            messages.add(Objects.requireNonNull(message));
            return this;
        }

        /** Appends a {@code system} message. */
        public Builder system(String content) {
            return message(ChatMessage.system(content));
        }

        /** Appends a {@code user} message. */
        public Builder user(String content) {
            return message(ChatMessage.user(content));
        }

        /** Sets the most tokens to generate. */
        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** Sets the temperature; {@code 0} is greedy decoding. */
        public Builder temperature(double temperature) {
            this.temperature = temperature;
            return this;
        }

        /** Sets the nucleus sampling mass. */
        public Builder topP(double topP) {
            this.topP = topP;
            return this;
        }

        /** Keeps only the {@code topK} most likely tokens ({@code 0}: all). */
        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        /** Seeds the sampler so that the same request gives the same answer. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Adds a stop sequence. */
        public Builder stop(String sequence) {
            stop.add(Objects.requireNonNull(sequence));
            return this;
        }

        /** Builds the request. */
        public ChatRequest build() {
            return new ChatRequest(model, messages, maxTokens, temperature, topP, topK, seed, stop);
        }
    }
}
