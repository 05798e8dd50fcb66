package network.cocoon.sdk.protocol;

import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The model a worker serves.
 *
 * @param id the model's name, as clients request it
 * @param digest lowercase hex SHA-256 over the weights, config and tokenizer (see {@code docs/protocol.md})
 */
public record ModelInfo(String id, String digest) {
    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");

    /** Validates the id and that the digest is 32 bytes of lowercase hex. */
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(digest, "digest");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("model id must not be empty");
        }
        if (!DIGEST.matcher(digest).matches()) {
            throw new IllegalArgumentException("model digest must be 64 lowercase hex digits");
        }
    }

    /** The digest's 32 bytes. */
    public byte[] digestBytes() {
        return HexFormat.of().parseHex(digest);
    }
}
