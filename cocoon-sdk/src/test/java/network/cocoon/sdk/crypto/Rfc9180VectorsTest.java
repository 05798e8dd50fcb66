package network.cocoon.sdk.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.AEAD;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every RFC 9180 test vector for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and both AEADs, in all four modes:
 * key derivation, encapsulation, key schedule (through the receiver's context), every encryption at its
 * sequence number, and every export.
 */
class Rfc9180VectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static Stream<Named<JsonNode>> vectors() throws IOException {
        try (InputStream in = Rfc9180VectorsTest.class.getResourceAsStream("/vectors/rfc9180-x25519.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Named<JsonNode>> out = new ArrayList<>();
            for (JsonNode v : root.get("vectors")) {
                out.add(Named.of("mode " + v.get("mode").asText() + " aead " + v.get("aead_id").asText(), v));
            }
            assertEquals(8, out.size(), "four modes times two AEADs");
            return out.stream();
        }
    }

    private static byte[] hex(JsonNode v, String field) {
        return HEX.parseHex(v.get(field).asText());
    }

    private static HPKE hpke(JsonNode v) {
        return new HPKE((byte) v.get("mode").asInt(), (short) v.get("kem_id").asInt(), (short) v.get("kdf_id").asInt(),
                (short) v.get("aead_id").asInt());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void deriveKeyPairMatches(JsonNode v) {
        assertArrayEquals(hex(v, "pkRm"), HpkeKeyPair.derive(hex(v, "ikmR")).publicKey());
        assertArrayEquals(hex(v, "pkEm"), HpkeKeyPair.derive(hex(v, "ikmE")).publicKey());
        if (v.has("ikmS")) {
            assertArrayEquals(hex(v, "pkSm"), HpkeKeyPair.derive(hex(v, "ikmS")).publicKey());
        }
        HPKE hpke = hpke(v);
        AsymmetricCipherKeyPair r = hpke.deriveKeyPair(hex(v, "ikmR"));
        // BouncyCastle keeps the X25519 scalar clamped (RFC 7748), which X25519 applies anyway; RFC 9180 prints it raw.
        assertArrayEquals(clamp(hex(v, "skRm")), hpke.serializePrivateKey(r.getPrivate()));
    }

    private static byte[] clamp(byte[] scalar) {
        byte[] out = scalar.clone();
        out[0] &= (byte) 248;
        out[31] &= 127;
        out[31] |= 64;
        return out;
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void baseModeSenderIsDeterministicGivenTheEphemeralKey(JsonNode v) throws Exception {
        if (v.get("mode").asInt() != HPKE.mode_base) {
            return;
        }
        HPKE hpke = hpke(v);
        var ephemeral = HpkeKeyPair.derive(hex(v, "ikmE"));
        var sender = hpke.setupBaseS(hpke.deserializePublicKey(hex(v, "pkRm")), hex(v, "info"),
                ephemeral.bouncyCastleKeyPair());
        assertArrayEquals(hex(v, "enc"), sender.getEncapsulation());
        JsonNode first = v.get("encryptions").get(0);
        assertEquals(0, first.get("seq").asInt());
        assertArrayEquals(hex(first, "ct"), sender.seal(hex(first, "aad"), hex(first, "pt")));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void receiverDerivesTheKeyScheduleInEveryMode(JsonNode v) throws Exception {
        HPKE hpke = hpke(v);
        AsymmetricCipherKeyPair recipient = hpke.deriveKeyPair(hex(v, "ikmR"));
        byte[] enc = hex(v, "enc");
        byte[] info = hex(v, "info");
        HPKEContext context = switch (v.get("mode").asInt()) {
            case 0 -> hpke.setupBaseR(enc, recipient, info);
            case 1 -> hpke.setupPSKR(enc, recipient, info, hex(v, "psk"), hex(v, "psk_id"));
            case 2 -> hpke.setupAuthR(enc, recipient, info, hpke.deserializePublicKey(hex(v, "pkSm")));
            case 3 -> hpke.setupAuthPSKR(enc, recipient, info, hex(v, "psk"), hex(v, "psk_id"),
                    hpke.deserializePublicKey(hex(v, "pkSm")));
            default -> throw new IllegalArgumentException("mode");
        };
        // Sequence numbers 0, 1 and 2 are consecutive: open them through the context itself.
        for (JsonNode e : v.get("encryptions")) {
            if (e.get("seq").asInt() > 2) {
                break;
            }
            assertArrayEquals(hex(e, "pt"), context.open(hex(e, "aad"), hex(e, "ct")));
        }
        for (JsonNode x : v.get("exports")) {
            assertArrayEquals(hex(x, "exported_value"), context.export(hex(x, "exporter_context"), x.get("L").asInt()));
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void aeadNonceCounterMatchesEverySequenceNumber(JsonNode v) throws Exception {
        // Response streams rely on this counter (nonce = base_nonce XOR seq), so check it up to 256.
        AEAD aead = new AEAD((short) v.get("aead_id").asInt(), hex(v, "key"), hex(v, "base_nonce"));
        int seq = 0;
        for (JsonNode e : v.get("encryptions")) {
            int target = e.get("seq").asInt();
            for (; seq < target; seq++) {
                aead.seal(new byte[0], new byte[0]);
            }
            assertArrayEquals(hex(e, "ct"), aead.seal(hex(e, "aad"), hex(e, "pt")), "seq " + target);
            seq++;
        }
        assertFalse(seq < 257, "reached sequence 256");
    }
}
