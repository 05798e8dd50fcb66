package network.cocoon.sdk.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;

/** The golden exchange (docs/vectors/cocoon-v1-golden.json), rebuilt from its fixed keys for the fuzz targets. */
final class Golden {
    static final JsonNode VECTORS = read();
    static final HpkeKeyPair WORKER_KEY = HpkeKeyPair.derive(hex("keys", "worker_hpke_ikm"));
    static final KeyConfig KEY_CONFIG = KeyConfig.decode(hex("keys", "key_config"));
    /** The client's side of the golden request: it alone opens the golden response and stream. */
    static final SealedRequest EXCHANGE = SealedRequest.sealWithEphemeralKey(KEY_CONFIG,
            HpkeSuite.X25519_SHA256_CHACHA20POLY1305,
            VECTORS.get("request").get("body_utf8").asText().getBytes(StandardCharsets.UTF_8),
            HpkeKeyPair.derive(hex("request", "ephemeral_ikm")));

    private Golden() {
    }

    static byte[] hex(String section, String field) {
        return HexFormat.of().parseHex(VECTORS.get(section).get(field).asText());
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Path.of("..", "docs", "vectors", "cocoon-v1-golden.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
