package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.junit.jupiter.api.Test;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;

/** Every field of a signed state tampered, keys swapped, and malformed bags of cells: each a typed refusal. */
class ChannelStateRefusalTest {
    static final Ed25519KeyPair CLIENT = Ed25519KeyPair.generate();
    static final SemiChannelState STATE = new SemiChannelState(new BigInteger("1234567890abcdef1234567890abcdef", 16),
            new SemiChannelBody(7, 5_000_000_000L), Optional.of(new SemiChannelBody(3, 0)));
    static final SignedSemiChannel SIGNED = SignedSemiChannel.sign(STATE, CLIENT);

    static Reason refusal(Runnable action) {
        return assertThrows(PaymentException.class, action::run).reason();
    }

    /** The signed state with one field changed, re-serialized canonically with the original signature. */
    static byte[] tampered(Function<SemiChannelState, SemiChannelState> change) {
        return new SignedSemiChannel(SIGNED.signature(), change.apply(STATE)).toBoc();
    }

    @Test
    void eachFieldTamperedBreaksTheSignature() {
        List<Function<SemiChannelState, SemiChannelState>> changes = List.of(
                s -> new SemiChannelState(s.channelId().add(BigInteger.ONE), s.body(), s.counterparty()),
                s -> new SemiChannelState(s.channelId(), new SemiChannelBody(8, s.body().sent()), s.counterparty()),
                s -> new SemiChannelState(s.channelId(), new SemiChannelBody(7, s.body().sent() + 1), s.counterparty()),
                s -> new SemiChannelState(s.channelId(), s.body(), Optional.of(new SemiChannelBody(4, 0))),
                s -> new SemiChannelState(s.channelId(), s.body(), Optional.of(new SemiChannelBody(3, 1))),
                s -> new SemiChannelState(s.channelId(), s.body(), Optional.empty()));
        SIGNED.verify(CLIENT.publicKey());
        for (var change : changes) {
            SignedSemiChannel parsed = SignedSemiChannel.fromBoc(tampered(change));
            assertEquals(Reason.SIGNATURE_INVALID, refusal(() -> parsed.verify(CLIENT.publicKey())));
        }
        byte[] signature = SIGNED.signature();
        signature[10] ^= 1;
        SignedSemiChannel badSignature = new SignedSemiChannel(signature, STATE);
        assertEquals(Reason.SIGNATURE_INVALID, refusal(() -> badSignature.verify(CLIENT.publicKey())));
        assertEquals(Reason.SIGNATURE_INVALID, refusal(() -> SIGNED.verify(Ed25519KeyPair.generate().publicKey())));
        SignedSemiChannel byAnotherKey = SignedSemiChannel.sign(STATE, Ed25519KeyPair.generate());
        assertEquals(Reason.SIGNATURE_INVALID, refusal(() -> byAnotherKey.verify(CLIENT.publicKey())));
    }

    @Test
    void everyFlippedByteAndEveryTruncationIsATypedRefusalOrABrokenSignature() {
        byte[] boc = SIGNED.toBoc();
        for (int i = 0; i < boc.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] flipped = boc.clone();
                flipped[i] ^= (byte) (1 << bit);
                try {
                    SignedSemiChannel parsed = SignedSemiChannel.fromBoc(flipped);
                    assertEquals(Reason.SIGNATURE_INVALID, refusal(() -> parsed.verify(CLIENT.publicKey())),
                            "byte " + i + " bit " + bit);
                } catch (PaymentException expected) {
                    // Refused while parsing: what most flips give, since the CRC no longer matches.
                }
            }
        }
        for (int length = 0; length < boc.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(boc, length);
            refusal(() -> SignedSemiChannel.fromBoc(truncated));
        }
        Random random = new Random(5);
        for (int i = 0; i < 2_000; i++) {
            byte[] noise = new byte[random.nextInt(200)];
            random.nextBytes(noise);
            if (i % 2 == 0 && noise.length > 8) {
                System.arraycopy(boc, 0, noise, 0, 8); // a real BoC header, then noise
            }
            refusal(() -> SignedSemiChannel.fromBoc(noise));
        }
    }

    static byte[] boc(Function<CellBuilder, CellBuilder> fill) {
        return fill.apply(CellBuilder.beginCell()).endCell().toBoc(true);
    }

    static CellBuilder validState(CellBuilder c) {
        c.storeBytes(SIGNED.signature());
        ChannelCells.storeState(c, STATE);
        return c;
    }

    @Test
    void cellsOutsideTheLayoutAreRefused() {
        assertEquals(STATE, SignedSemiChannel.fromBoc(boc(ChannelStateRefusalTest::validState)).state());
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(
                boc(c -> validState(c).storeBit(true)))), "a bit beyond the layout");
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(
                boc(c -> validState(c).storeRef(CellBuilder.beginCell().endCell())))), "a reference beyond it");
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(boc(c -> c
                .storeBytes(SIGNED.signature()).storeUint(0x43685375L, 32)))), "another tag");
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(boc(c -> c
                .storeBytes(SIGNED.signature()).storeUint(ChannelCells.SEMICHANNEL_TAG, 32)
                .storeUint(BigInteger.ONE, 128).storeUint(BigInteger.ONE.shiftLeft(32), 64)
                .storeCoins(BigInteger.ONE).storeBit(false).storeBit(false)))), "a seqno of 2^32");
        assertEquals(Reason.UNSUPPORTED_STATE, refusal(() -> SignedSemiChannel.fromBoc(boc(c -> c
                .storeBytes(SIGNED.signature()).storeUint(ChannelCells.SEMICHANNEL_TAG, 32)
                .storeUint(BigInteger.ONE, 128).storeUint(BigInteger.ONE, 64).storeCoins(BigInteger.ONE)
                .storeBit(true).storeRef(CellBuilder.beginCell().storeUint(0, 8).endCell()).storeBit(false)))),
                "conditional payments");
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(boc(c -> c
                .storeBytes(SIGNED.signature()).storeUint(ChannelCells.SEMICHANNEL_TAG, 32)
                .storeUint(BigInteger.ONE, 128).storeUint(BigInteger.ONE, 64)
                .storeCoins(BigInteger.ONE.shiftLeft(70)).storeBit(false).storeBit(false)))), "sent beyond any supply");
        Cell counterpartyWithExtra = CellBuilder.beginCell().storeUint(BigInteger.ZERO, 64).storeCoins(BigInteger.ZERO)
                .storeBit(false).storeBit(true).endCell();
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(boc(c -> c
                .storeBytes(SIGNED.signature()).storeUint(ChannelCells.SEMICHANNEL_TAG, 32)
                .storeUint(BigInteger.ONE, 128).storeUint(BigInteger.ONE, 64).storeCoins(BigInteger.ONE)
                .storeBit(false).storeBit(true).storeRef(counterpartyWithExtra)))), "counterparty beyond its layout");
    }

    @Test
    void onlyTheCanonicalSerializationIsAccepted() {
        Cell root = CellBuilder.beginCell().storeBytes(SIGNED.signature()).endCell();
        byte[] signatureOnly = root.toBoc(true);
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(signatureOnly)), "too short");
        CellBuilder full = CellBuilder.beginCell();
        validState(full);
        Cell cell = full.endCell();
        byte[] withoutCrc = cell.toBoc(false);
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(withoutCrc)), "no CRC");
        byte[] withIndex = cell.toBoc(true, true);
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(withIndex)), "with an index");
        assertEquals(Reason.MALFORMED_STATE, refusal(() -> SignedSemiChannel.fromBoc(new byte[4096])), "oversized");
    }

    @Test
    void statesOutsideTheContractsRangesCannotBeBuilt() {
        assertThrows(IllegalArgumentException.class, () -> new SemiChannelBody(1L << 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new SemiChannelBody(1, -1));
        assertThrows(IllegalArgumentException.class, () -> new SemiChannelState(BigInteger.ONE.shiftLeft(128),
                SemiChannelBody.INITIAL, Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> new SignedSemiChannel(new byte[63], STATE));
    }
}
