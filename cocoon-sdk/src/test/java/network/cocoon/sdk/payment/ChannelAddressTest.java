package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import network.cocoon.sdk.chat.InvalidFieldException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The channel address derived from the contract's code and initial data equals the one tonweb deployed to, for
 * the vector's parameters; and each parameter moves it.
 */
class ChannelAddressTest {
    static ChannelParameters params;

    @BeforeAll
    static void load() throws Exception {
        ChannelStateVectorsTest.load();
        var v = ChannelStateVectorsTest.vector;
        params = new ChannelParameters(BigInteger.valueOf(v.at("/channel/channelId").asLong()),
                ChannelStateVectorsTest.keyA.publicKey(), ChannelStateVectorsTest.keyB.publicKey(),
                TonAddress.parse(v.at("/channel/addressA_walletV3R1").asText(), "a"),
                TonAddress.parse(v.at("/channel/addressB_walletV3R1").asText(), "b"),
                new ClosingConfig(0, 0, 0), 0);
    }

    @Test
    void dataCellAndAddressAreTheDeployedOnes() {
        var v = ChannelStateVectorsTest.vector;
        assertEquals(v.at("/channel/dataCellBoc").asText(), ChannelStateVectorsTest.HEX.formatHex(params.dataBoc()));
        assertEquals(v.at("/channel/address").asText(), params.address().toString());
    }

    @Test
    void everyParameterMovesTheAddress() {
        TonAddress base = params.address();
        var p = params;
        assertNotEquals(base, new ChannelParameters(p.channelId().add(BigInteger.ONE), p.clientKey(),
                p.operatorKey(), p.clientAddress(), p.operatorAddress(), p.closing(), p.excessFee()).address());
        assertNotEquals(base, new ChannelParameters(p.channelId(), p.operatorKey(), p.clientKey(),
                p.clientAddress(), p.operatorAddress(), p.closing(), p.excessFee()).address());
        assertNotEquals(base, new ChannelParameters(p.channelId(), p.clientKey(), p.operatorKey(),
                p.operatorAddress(), p.clientAddress(), p.closing(), p.excessFee()).address());
        assertNotEquals(base, new ChannelParameters(p.channelId(), p.clientKey(), p.operatorKey(),
                p.clientAddress(), p.operatorAddress(), new ClosingConfig(1, 0, 0), p.excessFee()).address());
        assertNotEquals(base, new ChannelParameters(p.channelId(), p.clientKey(), p.operatorKey(),
                p.clientAddress(), p.operatorAddress(), p.closing(), 1).address());
    }

    @Test
    void onlyRawAddressesParse() {
        assertEquals("-1:" + "ab".repeat(32), TonAddress.parse("-1:" + "AB".repeat(32), "x").toString());
        for (String bad : new String[] {"EQDlWqMZgShLwVLgvT4Ca7oAmllwA0iJ448CYhvaXulXuQ9T", "0:abc", "128:" + "0".repeat(64),
                "0x0:" + "0".repeat(64), ""}) {
            var e = assertThrows(InvalidFieldException.class, () -> TonAddress.parse(bad, "channel"), bad);
            assertEquals("channel", e.field());
        }
    }
}
