package network.cocoon.worker.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.lang.reflect.RecordComponent;
import java.util.HashSet;
import java.util.Set;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.InvalidFieldException;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.protocol.RequestEnvelope;

/**
 * Words an {@code invalid_request} refusal: the field that failed, by its wire name, and the rule it broke.
 * Field names come from the protocol's own types, so a name the client made up (an unknown key) is never
 * repeated: the message carries nothing the client sent.
 */
final class InvalidRequests {
    private static final Set<String> FIELD_NAMES = fieldNames(InferenceRequest.class, ChatMessage.class,
            RequestEnvelope.class, Price.class);

    private InvalidRequests() {
    }

    /** The refusal text for a body that did not parse into a valid request. */
    static String describe(Throwable failure) {
        InvalidFieldException invalid = find(failure, InvalidFieldException.class);
        JsonMappingException mapping = find(failure, JsonMappingException.class);
        String path = mapping == null ? "" : path(mapping);
        if (invalid != null) {
            String field = path.isEmpty() ? invalid.field() : path + "." + invalid.field();
            return "invalid field '" + field + "': " + invalid.rule();
        }
        if (!path.isEmpty()) {
            return "invalid field '" + path + "': wrong type or shape";
        }
        if (failure instanceof JsonProcessingException || find(failure, JsonProcessingException.class) != null) {
            return "the request body is not valid JSON of the request's shape";
        }
        return WorkerErrors.messageFor(network.cocoon.sdk.protocol.ErrorCode.INVALID_REQUEST);
    }

    /** The refusal text for a field the engine refused after parsing. */
    static String describe(InvalidFieldException invalid) {
        return "invalid field '" + invalid.field() + "': " + invalid.rule();
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            String name = ref.getFieldName();
            if (name != null) {
                if (!FIELD_NAMES.contains(name)) {
                    break;
                }
                if (!out.isEmpty()) {
                    out.append('.');
                }
                out.append(name);
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static Set<String> fieldNames(Class<?>... records) {
        Set<String> names = new HashSet<>();
        for (Class<?> record : records) {
            for (RecordComponent c : record.getRecordComponents()) {
                JsonProperty property = c.getAnnotation(JsonProperty.class);
                if (property == null) {
                    property = c.getAccessor().getAnnotation(JsonProperty.class);
                }
                names.add(property != null && !property.value().isEmpty() ? property.value() : c.getName());
            }
        }
        return Set.copyOf(names);
    }
}
