package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.function.UnaryOperator;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.Price;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ton.ton4j.cell.CellBuilder;

/**
 * Receipts against {@code cocoon-receipt.json}, which {@code @ton/core} built from the documented TL-B (an
 * implementation independent of this one); and every way a receipt's bytes can be wrong.
 */
class ReceiptTest {
    static final HexFormat HEX = HexFormat.of();
    static JsonNode vector;
    static Ed25519KeyPair key;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = ReceiptTest.class.getResourceAsStream("/vectors/cocoon-receipt.json")) {
            vector = new ObjectMapper().readTree(in);
        }
        key = Ed25519KeyPair.fromSeed(HEX.parseHex(vector.get("signingKeySeed").asText()));
    }

    static Receipt vectorReceipt() {
        JsonNode in = vector.get("inputs");
        return new Receipt(TonAddress.parse(in.get("channel").asText(), "channel"),
                new BigInteger(in.get("channelId").asText()), in.get("seqno").asLong(),
                HEX.parseHex(in.get("requestHash").asText()), HEX.parseHex(in.get("resultHash").asText()),
                in.get("promptTokens").asLong(), in.get("completionTokens").asLong(),
                new Price(in.get("promptPricePer1k").asLong(), in.get("completionPricePer1k").asLong()),
                in.get("amount").asLong(), in.get("cumulative").asLong(), in.get("time").asLong());
    }

    @Test
    void receiptIsByteForByteTheIndependentlyBuiltOne() {
        assertEquals(vector.get("signingKey").asText(), HEX.formatHex(key.publicKey()));
        Receipt receipt = vectorReceipt();
        assertEquals(vector.get("receiptBoc").asText(), HEX.formatHex(ChannelCells.toBoc(receipt.toCell())));
        assertEquals(vector.get("receiptHash").asText(), receipt.hashHex());
        SignedReceipt signed = SignedReceipt.sign(receipt, key);
        assertEquals(vector.get("signature").asText(), HEX.formatHex(signed.signature()));
        assertEquals(vector.get("signedReceiptBoc").asText(), HEX.formatHex(signed.toBoc()));
        SignedReceipt parsed = SignedReceipt.fromBoc(HEX.parseHex(vector.get("signedReceiptBoc").asText()));
        assertEquals(signed, parsed);
        parsed.verify(key.publicKey());
    }

    @Test
    void amountIsTheTariffOfTheVector() {
        Receipt r = vectorReceipt();
        assertEquals(r.amount(), Tariff.amount(r.price(), r.promptTokens(), r.completionTokens()));
    }

    /** Each field changed alone changes the hash, so the worker's signature no longer verifies. */
    @Test
    void everyFieldIsCoveredBySignature() {
        SignedReceipt honest = SignedReceipt.sign(vectorReceipt(), key);
        byte[] other = new byte[32];
        java.util.List<UnaryOperator<Receipt>> tampers = java.util.List.of(
                r -> new Receipt(TonAddress.parse("-1:" + HEX.formatHex(r.channel().hash()), "c"), r.channelId(),
                        r.seqno(), r.requestHash(), r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(),
                        r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId().add(BigInteger.ONE), r.seqno(), r.requestHash(),
                        r.resultHash(), r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative(),
                        r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno() + 1, r.requestHash(), r.resultHash(),
                        r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), other, r.resultHash(), r.promptTokens(),
                        r.completionTokens(), r.price(), r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), other, r.promptTokens(),
                        r.completionTokens(), r.price(), r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), r.resultHash(),
                        r.promptTokens() + 1, r.completionTokens(), r.price(), r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), r.resultHash(),
                        r.promptTokens(), r.completionTokens() + 1, r.price(), r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), r.resultHash(),
                        r.promptTokens(), r.completionTokens(), new Price(r.price().promptPer1k() + 1,
                        r.price().completionPer1k()), r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), r.resultHash(),
                        r.promptTokens(), r.completionTokens(), new Price(r.price().promptPer1k(),
                        r.price().completionPer1k() + 1), r.amount(), r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), r.resultHash(),
                        r.promptTokens(), r.completionTokens(), r.price(), r.amount() + 1, r.cumulative(), r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), r.resultHash(),
                        r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative() + 1, r.time()),
                r -> new Receipt(r.channel(), r.channelId(), r.seqno(), r.requestHash(), r.resultHash(),
                        r.promptTokens(), r.completionTokens(), r.price(), r.amount(), r.cumulative(), r.time() + 1));
        for (UnaryOperator<Receipt> tamper : tampers) {
            SignedReceipt forged = new SignedReceipt(honest.signature(), tamper.apply(honest.receipt()));
            var e = assertThrows(PaymentException.class, () -> forged.verify(key.publicKey()));
            assertEquals(Reason.SIGNATURE_INVALID, e.reason());
            // The forged bytes still parse: refusal comes from the signature, not the layout.
            assertEquals(forged, SignedReceipt.fromBoc(forged.toBoc()));
        }
        var e = assertThrows(PaymentException.class,
                () -> honest.verify(Ed25519KeyPair.generate().publicKey()));
        assertEquals(Reason.SIGNATURE_INVALID, e.reason());
    }

    @Test
    void malformedBytesAreRefusedByName() {
        byte[] good = HEX.parseHex(vector.get("signedReceiptBoc").asText());
        byte[] flipped = good.clone();
        flipped[40] ^= 1; // inside the signature: still parses (CRC aside), so recompute nothing and expect CRC
        assertMalformed(flipped);
        assertMalformed(java.util.Arrays.copyOf(good, good.length - 1));
        assertMalformed(new byte[0]);
        assertMalformed(new byte[2048]);
        // A receipt without its signature wrapper.
        assertMalformed(HEX.parseHex(vector.get("receiptBoc").asText()));
        // A signed semichannel state is not a receipt.
        assertMalformed(SignedSemiChannel.sign(new SemiChannelState(BigInteger.ONE,
                new SemiChannelBody(1, 1), java.util.Optional.empty()), key).toBoc());
        // Wrong tag.
        Receipt r = vectorReceipt();
        CellBuilder wrongTag = CellBuilder.beginCell();
        wrongTag.storeUint(0x52435055L, 32);
        var inner = org.ton.ton4j.cell.CellSlice.beginParse(r.toCell());
        inner.loadUint(32);
        wrongTag.storeSlice(inner);
        assertMalformed(wrapped(wrongTag));
        // Trailing bits after the layout.
        CellBuilder extra = CellBuilder.beginCell();
        extra.storeSlice(org.ton.ton4j.cell.CellSlice.beginParse(r.toCell()));
        extra.storeBit(true);
        assertMalformed(wrapped(extra));
    }

    private static byte[] wrapped(CellBuilder receiptCell) {
        CellBuilder signed = CellBuilder.beginCell();
        signed.storeBytes(new byte[64]);
        signed.storeRef(receiptCell.endCell());
        return ChannelCells.toBoc(signed.endCell());
    }

    private static void assertMalformed(byte[] boc) {
        var e = assertThrows(PaymentException.class, () -> SignedReceipt.fromBoc(boc));
        assertEquals(Reason.MALFORMED_RECEIPT, e.reason(), e.getMessage());
    }

    @Test
    void hashesAndCountsAreRangeChecked() {
        Receipt r = vectorReceipt();
        assertThrows(IllegalArgumentException.class, () -> new Receipt(r.channel(), r.channelId(), 1L << 32,
                r.requestHash(), r.resultHash(), 1, 1, r.price(), 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Receipt(r.channel(), r.channelId(), 1,
                new byte[31], r.resultHash(), 1, 1, r.price(), 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Receipt(r.channel(), r.channelId(), 1,
                r.requestHash(), r.resultHash(), 1, 1, r.price(), 2, 1, 1));
        assertArrayEquals(r.requestHash(), vectorReceipt().requestHash());
    }
}
