package network.cocoon.examples.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.chat.InvalidFieldException;

/**
 * An OpenAI {@code /v1/chat/completions} body, checked field by field. A parameter that would change the answer
 * and that the worker cannot honour exactly ({@code n > 1}, penalties, tools, log probabilities, response
 * formats) is refused by name, never ignored; unknown parameters are refused too.
 *
 * @param request what the SDK sends
 * @param stream whether the answer streams as server-sent events
 * @param includeUsage whether a streamed answer ends with a usage chunk ({@code stream_options.include_usage})
 */
record CompletionParams(ChatRequest request, boolean stream, boolean includeUsage) {
    /** Accepted and without effect on the answer: OpenAI's end-user id for abuse monitoring, and metadata. */
    private static final Set<String> NO_EFFECT = Set.of("user", "store", "metadata");
    /** Accepted only at the value that means "off", because the worker has no such feature. */
    private static final Map<String, String> ONLY_OFF = Map.of("n", "1", "frequency_penalty", "0",
            "presence_penalty", "0", "logprobs", "false", "parallel_tool_calls", "true");
    private static final Set<String> KNOWN = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "seed", "stop", "stream", "stream_options");
    private static final Set<String> ROLES = Set.of("system", "user", "assistant");
    private static final int MAX_TOKENS_DEFAULT = ChatRequest.DEFAULT_MAX_TOKENS;

    /**
     * Parses a body.
     *
     * @param servedModel the model the attested worker serves: the only one accepted
     * @throws GatewayException with the OpenAI error for the first field at fault
     */
    static CompletionParams parse(JsonNode body, String servedModel) {
        if (body == null || !body.isObject()) {
            throw new GatewayException(OpenAiError.invalid(null, "the body must be a JSON object"));
        }
        for (var names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            JsonNode value = body.get(name);
            if (ONLY_OFF.containsKey(name)) {
                if (!value.isNull() && !value.asText().equals(ONLY_OFF.get(name))
                        && !(value.isNumber() && value.asDouble() == Double.parseDouble(ONLY_OFF.get(name)))) {
                    throw new GatewayException(OpenAiError.unsupported(name));
                }
            } else if (!KNOWN.contains(name) && !NO_EFFECT.contains(name)) {
                throw new GatewayException(OpenAiError.unsupported(name));
            }
        }
        String model = text(body, "model", true);
        if (!model.equals(servedModel)) {
            throw new GatewayException(new OpenAiError(404, "invalid_request_error", "model_not_found", "model",
                    "the model does not exist here; GET /v1/models lists the one served"));
        }
        List<ChatMessage> messages = messages(body.get("messages"));
        int maxTokens = MAX_TOKENS_DEFAULT;
        for (String name : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode value = body.get(name);
            if (value != null && !value.isNull()) {
                if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                    throw new GatewayException(OpenAiError.invalid(name, "must be an integer"));
                }
                maxTokens = value.intValue();
            }
        }
        double temperature = number(body, "temperature", 1.0);
        double topP = number(body, "top_p", 1.0);
        Long seed = null;
        JsonNode seedNode = body.get("seed");
        if (seedNode != null && !seedNode.isNull()) {
            if (!seedNode.isIntegralNumber() || !seedNode.canConvertToLong()) {
                throw new GatewayException(OpenAiError.invalid("seed", "must be an integer"));
            }
            seed = seedNode.longValue();
        }
        List<String> stop = stop(body.get("stop"));
        boolean stream = bool(body, "stream");
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw new GatewayException(OpenAiError.invalid("stream_options", "must be an object"));
            }
            for (var names = options.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!name.equals("include_usage")) {
                    throw new GatewayException(OpenAiError.unsupported("stream_options." + name));
                }
            }
            includeUsage = bool(options, "include_usage");
        }
        try {
            return new CompletionParams(new ChatRequest(model, messages, maxTokens, temperature, topP, 0, seed,
                    stop), stream, includeUsage);
        } catch (InvalidFieldException e) {
            throw new GatewayException(OpenAiError.invalid(e.field(), e.field() + " " + e.rule()));
        }
    }

    private static List<ChatMessage> messages(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw new GatewayException(OpenAiError.invalid("messages", "must be a non-empty array"));
        }
        List<ChatMessage> messages = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                throw new GatewayException(OpenAiError.invalid(at, "must be an object"));
            }
            for (var names = m.fieldNames(); names.hasNext();) {
                String name = names.next();
                if (!name.equals("role") && !name.equals("content") && !name.equals("name")) {
                    throw new GatewayException(OpenAiError.unsupported(at + "." + name));
                }
            }
            String role = text(m, "role", true);
            // OpenAI's newer name for the system role.
            if (role.equals("developer")) {
                role = "system";
            }
            if (!ROLES.contains(role)) {
                throw new GatewayException(OpenAiError.invalid(at + ".role",
                        "must be system, developer, user or assistant"));
            }
            try {
                messages.add(new ChatMessage(role, content(m.get("content"), at + ".content")));
            } catch (InvalidFieldException e) {
                throw new GatewayException(OpenAiError.invalid(at + ".role", at + ".role " + e.rule()));
            }
        }
        return messages;
    }

    /** A string, or an array of text parts (what OpenAI's clients send for multi-part content). */
    private static String content(JsonNode node, String at) {
        if (node != null && node.isTextual()) {
            return node.textValue();
        }
        if (node != null && node.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < node.size(); i++) {
                JsonNode part = node.get(i);
                String partAt = at + "[" + i + "]";
                if (!part.isObject() || !"text".equals(part.path("type").asText(null))
                        || !part.path("text").isTextual() || part.size() != 2) {
                    throw new GatewayException(new OpenAiError(400, "invalid_request_error", "unsupported_content",
                            partAt, "only text content parts are supported"));
                }
                text.append(part.get("text").textValue());
            }
            return text.toString();
        }
        throw new GatewayException(OpenAiError.invalid(at, "must be a string or an array of text parts"));
    }

    private static List<String> stop(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.textValue());
        }
        if (node.isArray()) {
            List<String> stop = new ArrayList<>();
            for (int i = 0; i < node.size(); i++) {
                if (!node.get(i).isTextual()) {
                    throw new GatewayException(OpenAiError.invalid("stop[" + i + "]", "must be a string"));
                }
                stop.add(node.get(i).textValue());
            }
            return stop;
        }
        throw new GatewayException(OpenAiError.invalid("stop", "must be a string or an array of strings"));
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new GatewayException(OpenAiError.invalid(field, "'" + field + "' is required"));
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new GatewayException(OpenAiError.invalid(field, "must be a string"));
        }
        return value.textValue();
    }

    private static double number(JsonNode node, String field, double absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isNumber()) {
            throw new GatewayException(OpenAiError.invalid(field, "must be a number"));
        }
        return value.doubleValue();
    }

    private static boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new GatewayException(OpenAiError.invalid(field, "must be true or false"));
        }
        return value.booleanValue();
    }
}
