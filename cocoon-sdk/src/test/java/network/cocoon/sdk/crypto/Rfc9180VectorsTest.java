package network.cocoon.sdk.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.crypto.AEADBadTagException;
import network.cocoon.sdk.protocol.HpkeSuite;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cocoon's HPKE ({@link HpkeContext}: X25519 from BouncyCastle, HKDF and AEAD from the JDK) against every RFC
 * 9180 base-mode vector for DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and both AEADs: key derivation,
 * encapsulation, each key-schedule value, every encryption at its sequence number (up to 256) and every
 * export. Then against BouncyCastle's independent HPKE on random keys, infos and messages.
 */
class Rfc9180VectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    static Stream<Named<JsonNode>> vectors() throws IOException {
        try (InputStream in = Rfc9180VectorsTest.class.getResourceAsStream("/vectors/rfc9180-x25519.json")) {
            JsonNode root = new ObjectMapper().readTree(in);
            List<Named<JsonNode>> out = new ArrayList<>();
            for (JsonNode v : root.get("vectors")) {
                // Modes psk, auth and auth-psk are not part of the protocol, so nothing here implements them.
                if (v.get("mode").asInt() == HpkeContext.MODE_BASE) {
                    out.add(Named.of("base mode, aead " + v.get("aead_id").asText(), v));
                }
            }
            assertEquals(2, out.size(), "base mode for both AEADs");
            return out.stream();
        }
    }

    private static byte[] hex(JsonNode v, String field) {
        return HEX.parseHex(v.get(field).asText());
    }

    private static HpkeSuite suite(JsonNode v) {
        return new HpkeSuite(v.get("kem_id").asInt(), v.get("kdf_id").asInt(), v.get("aead_id").asInt());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void deriveKeyPairMatches(JsonNode v) {
        assertArrayEquals(hex(v, "pkRm"), HpkeKeyPair.derive(hex(v, "ikmR")).publicKey());
        assertArrayEquals(hex(v, "pkEm"), HpkeKeyPair.derive(hex(v, "ikmE")).publicKey());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void senderAndReceiverDeriveEveryKeyScheduleValue(JsonNode v) throws Exception {
        HpkeContext sender = HpkeContext.setupBaseS(suite(v), hex(v, "pkRm"), hex(v, "info"),
                HpkeKeyPair.derive(hex(v, "ikmE")));
        HpkeContext receiver = HpkeContext.setupBaseR(suite(v), hex(v, "enc"), HpkeKeyPair.derive(hex(v, "ikmR")),
                hex(v, "info"));
        assertArrayEquals(hex(v, "enc"), sender.encapsulation());
        for (HpkeContext context : List.of(sender, receiver)) {
            HpkeContext.KeySchedule s = context.keySchedule();
            assertArrayEquals(hex(v, "shared_secret"), s.sharedSecret());
            assertArrayEquals(hex(v, "key_schedule_context"), s.keyScheduleContext());
            assertArrayEquals(hex(v, "secret"), s.secret());
            assertArrayEquals(hex(v, "key"), s.key());
            assertArrayEquals(hex(v, "base_nonce"), s.baseNonce());
            assertArrayEquals(hex(v, "exporter_secret"), s.exporterSecret());
            for (JsonNode x : v.get("exports")) {
                assertArrayEquals(hex(x, "exported_value"),
                        context.export(hex(x, "exporter_context"), x.get("L").asInt()));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void everyEncryptionAtItsSequenceNumberSealsAndOpens(JsonNode v) throws Exception {
        // Response streams rely on this counter (nonce = base_nonce XOR seq), so run it up to 256.
        SequencedAead sealer = new SequencedAead(suite(v), hex(v, "key"), hex(v, "base_nonce"));
        SequencedAead opener = new SequencedAead(suite(v), hex(v, "key"), hex(v, "base_nonce"));
        int seq = 0;
        for (JsonNode e : v.get("encryptions")) {
            int target = e.get("seq").asInt();
            for (; seq < target; seq++) {
                opener.open(new byte[0], sealer.seal(new byte[0], new byte[0]));
            }
            byte[] ct = sealer.seal(hex(e, "aad"), hex(e, "pt"));
            assertArrayEquals(hex(e, "ct"), ct, "seq " + target);
            assertArrayEquals(hex(e, "pt"), opener.open(hex(e, "aad"), ct), "seq " + target);
            seq++;
        }
        assertFalse(seq < 257, "reached sequence 256");
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void aFailedOpenLeavesTheSequenceWhereItWas(JsonNode v) throws Exception {
        SequencedAead sealer = new SequencedAead(suite(v), hex(v, "key"), hex(v, "base_nonce"));
        SequencedAead opener = new SequencedAead(suite(v), hex(v, "key"), hex(v, "base_nonce"));
        byte[] first = sealer.seal(new byte[0], new byte[] {1, 2, 3});
        byte[] tampered = first.clone();
        tampered[0] ^= 1;
        assertThrows(AEADBadTagException.class, () -> opener.open(new byte[0], tampered));
        assertThrows(AEADBadTagException.class, () -> opener.open(new byte[] {1}, first));
        assertThrows(AEADBadTagException.class, () -> opener.open(new byte[0], new byte[15]));
        assertArrayEquals(new byte[] {1, 2, 3}, opener.open(new byte[0], first));
    }

    @Test
    void agreesWithBouncyCastlesHpkeOnRandomInputs() throws Exception {
        Random random = new Random(9180);
        for (HpkeSuite suite : List.of(HpkeSuite.X25519_SHA256_CHACHA20POLY1305, HpkeSuite.X25519_SHA256_AES128GCM)) {
            HPKE bc = new HPKE(HPKE.mode_base, (short) suite.kemId(), (short) suite.kdfId(), (short) suite.aeadId());
            for (int round = 0; round < 20; round++) {
                byte[] ikmR = bytes(random, 32);
                byte[] ikmE = bytes(random, 32);
                byte[] info = bytes(random, random.nextInt(64));
                byte[] aad = bytes(random, random.nextInt(32));
                byte[] pt = bytes(random, random.nextInt(3000));
                var bcRecipient = bc.deriveKeyPair(ikmR);
                HPKEContextWithEncapsulation bcSender = bc.setupBaseS(bc.deserializePublicKey(
                        HpkeKeyPair.derive(ikmR).publicKey()), info, bc.deriveKeyPair(ikmE));
                HpkeContext ours = HpkeContext.setupBaseS(suite, HpkeKeyPair.derive(ikmR).publicKey(), info,
                        HpkeKeyPair.derive(ikmE));
                assertArrayEquals(bcSender.getEncapsulation(), ours.encapsulation());
                byte[] ct = ours.seal(aad, pt);
                assertArrayEquals(bcSender.seal(aad, pt), ct);
                HPKEContext bcReceiver = bc.setupBaseR(ours.encapsulation(), bcRecipient, info);
                assertArrayEquals(pt, bcReceiver.open(aad, ct));
                byte[] exporterContext = bytes(random, random.nextInt(40));
                int length = 1 + random.nextInt(80);
                assertArrayEquals(bcReceiver.export(exporterContext, length), ours.export(exporterContext, length));
            }
        }
    }

    @Test
    void lowOrderKeysAreRefusedOnBothSides() {
        byte[] zeroPoint = new byte[32];
        HpkeSuite suite = HpkeSuite.X25519_SHA256_CHACHA20POLY1305;
        assertThrows(IllegalArgumentException.class,
                () -> HpkeContext.setupBaseS(suite, zeroPoint, new byte[0], null));
        assertThrows(IllegalArgumentException.class,
                () -> HpkeContext.setupBaseS(suite, new byte[31], new byte[0], null));
        assertThrows(AEADBadTagException.class,
                () -> HpkeContext.setupBaseR(suite, zeroPoint, HpkeKeyPair.generate(), new byte[0]));
        byte[] one = new byte[32];
        one[0] = 1;
        assertThrows(AEADBadTagException.class,
                () -> HpkeContext.setupBaseR(suite, one, HpkeKeyPair.generate(), new byte[0]));
        assertNotNull(HpkeContext.setupBaseS(suite, HpkeKeyPair.generate().publicKey(), new byte[0], null));
    }

    private static byte[] bytes(Random random, int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
