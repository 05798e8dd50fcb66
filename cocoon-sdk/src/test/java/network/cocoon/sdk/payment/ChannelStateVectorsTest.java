package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Optional;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Channel states against {@code ton-payment-channel.json}: states tonweb signed, reproduced byte for byte by
 * ton4j's smart-contract module and {@code @ton/core}; this package must build the same bytes for the same
 * inputs, and refuse every variation.
 */
class ChannelStateVectorsTest {
    static final HexFormat HEX = HexFormat.of();
    static JsonNode vector;
    static Ed25519KeyPair keyA;
    static Ed25519KeyPair keyB;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = ChannelStateVectorsTest.class.getResourceAsStream("/vectors/ton-payment-channel.json")) {
            vector = new ObjectMapper().readTree(in);
        }
        keyA = Ed25519KeyPair.fromSeed(HEX.parseHex(vector.at("/keys/seedA").asText()));
        keyB = Ed25519KeyPair.fromSeed(HEX.parseHex(vector.at("/keys/seedB").asText()));
    }

    static SemiChannelState stateA1() {
        JsonNode s = vector.get("signedSemiChannelA1");
        return new SemiChannelState(BigInteger.valueOf(vector.at("/channel/channelId").asLong()),
                new SemiChannelBody(s.get("mySeqno").asLong(), s.get("mySent").asLong()),
                Optional.of(new SemiChannelBody(s.get("hisSeqno").asLong(), s.get("hisSent").asLong())));
    }

    @Test
    void keysAreTheVectorsKeys() {
        assertEquals(vector.at("/keys/pubA").asText(), HEX.formatHex(keyA.publicKey()));
        assertEquals(vector.at("/keys/pubB").asText(), HEX.formatHex(keyB.publicKey()));
    }

    @Test
    void theStatePartyASignsIsByteForByteTheVector() {
        JsonNode s = vector.get("signedSemiChannelA1");
        SemiChannelState state = stateA1();
        assertEquals(s.get("unsignedBoc").asText(), HEX.formatHex(state.toBoc()));
        assertEquals(s.get("stateHash").asText(), HEX.formatHex(state.hash()));
        SignedSemiChannel signed = SignedSemiChannel.sign(state, keyA);
        assertEquals(s.get("signature").asText(), HEX.formatHex(signed.signature()));
        assertEquals(s.get("signedBoc").asText(), HEX.formatHex(signed.toBoc()));
        // Every state tonweb signed for party A (sent = initial balance - balance) has the vector's signature.
        assertEquals(vector.at("/states/0/sigA").asText(), s.get("signature").asText());
    }

    @Test
    void theVectorsBytesParseBackToTheSameState() {
        JsonNode s = vector.get("signedSemiChannelA1");
        assertEquals(stateA1(), SemiChannelState.fromBoc(HEX.parseHex(s.get("unsignedBoc").asText())));
        SignedSemiChannel parsed = SignedSemiChannel.fromBoc(HEX.parseHex(s.get("signedBoc").asText()));
        assertEquals(stateA1(), parsed.state());
        parsed.verify(keyA.publicKey());
        assertEquals(Reason.SIGNATURE_INVALID,
                assertThrows(PaymentException.class, () -> parsed.verify(keyB.publicKey())).reason());
    }

    @Test
    void everyStateOfTheVectorIsReproduced() {
        long channel = vector.at("/channel/channelId").asLong();
        long initA = vector.at("/channel/initBalanceA").asLong();
        long initB = vector.at("/channel/initBalanceB").asLong();
        for (JsonNode st : vector.get("states")) {
            SemiChannelBody a = new SemiChannelBody(st.get("seqnoA").asLong(),
                    Math.max(0, initA - st.get("balanceA").asLong()));
            SemiChannelBody b = new SemiChannelBody(st.get("seqnoB").asLong(),
                    Math.max(0, initB - st.get("balanceB").asLong()));
            SemiChannelState signedByA = new SemiChannelState(BigInteger.valueOf(channel), a, Optional.of(b));
            assertEquals(st.get("sigA").asText(), HEX.formatHex(SignedSemiChannel.sign(signedByA, keyA).signature()),
                    st.get("name").asText() + " A");
            if (st.has("sigB")) {
                SemiChannelState signedByB = new SemiChannelState(BigInteger.valueOf(channel), b, Optional.of(a));
                assertEquals(st.get("sigB").asText(),
                        HEX.formatHex(SignedSemiChannel.sign(signedByB, keyB).signature()), st.get("name").asText() + " B");
            }
        }
    }
}
