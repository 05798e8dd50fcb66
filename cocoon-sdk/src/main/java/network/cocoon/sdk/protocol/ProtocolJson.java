package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import network.cocoon.sdk.chat.InvalidFieldException;

/**
 * The one JSON configuration of the protocol: strict about what matters (no nulls for numbers, no trailing
 * tokens, bounded nesting), tolerant of unknown fields so that newer peers can add optional ones.
 */
public final class ProtocolJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64).maxStringLength(16 * 1024 * 1024).build());
    }

    private ProtocolJson() {
    }

    /** Serializes a protocol value. */
    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("protocol value not serializable", e);
        }
    }

    /**
     * Parses a protocol value.
     *
     * @throws IOException if the bytes are not valid JSON of that type (including failed validation)
     */
    public static <T> T read(byte[] json, Class<T> type) throws IOException {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("invalid " + type.getSimpleName() + ": " + problem(e), e);
        }
    }

    /**
     * Why a value did not parse, in protocol terms.
     *
     * @param field the field's wire path, such as {@code messages[0].role}; empty for the value as a whole
     * @param rule what is wrong with it, a fixed text without the value
     */
    public record Problem(String field, String rule) {
        @Override
        public String toString() {
            return field.isEmpty() ? rule : field + ": " + rule;
        }
    }

    /**
     * The problem behind a failure of {@link #read}: the field and the rule it breaks, without the parser's
     * internals (class names, source locations) or the offending value. Paths name only fields the protocol
     * types declare, since the parser ignores unknown ones.
     */
    public static Problem problem(Throwable failure) {
        InvalidFieldException invalid = null;
        JsonMappingException mapping = null;
        boolean malformed = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (invalid == null && t instanceof InvalidFieldException i) {
                invalid = i;
            }
            if (mapping == null && t instanceof JsonMappingException m) {
                mapping = m;
            }
            malformed |= t instanceof JsonProcessingException;
        }
        String path = mapping == null ? "" : path(mapping);
        if (invalid != null) {
            return new Problem(path.isEmpty() ? invalid.field() : path + "." + invalid.field(), invalid.rule());
        }
        if (!path.isEmpty()) {
            return new Problem(path, "has the wrong type or shape");
        }
        return new Problem("", mapping != null ? "has the wrong shape"
                : malformed ? "is not well-formed JSON" : "is invalid");
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }
}
