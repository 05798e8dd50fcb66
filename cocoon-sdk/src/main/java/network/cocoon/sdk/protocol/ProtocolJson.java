package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

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
        } catch (IllegalArgumentException e) {
            throw new IOException("invalid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
