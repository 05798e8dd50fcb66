package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.Objects;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;

/**
 * The standard payment channel contract's messages, built from its TL-B ({@code scheme.tlb} of
 * ton-blockchain/payment-channels) on ton4j cells, as bags of cells ready to be the body of an internal message
 * from the party's wallet to the channel's address. Which wallet sends them, with how many nanotons attached, is
 * the caller's: {@link OnChainChannel} reads the contract, and a TON HTTP API ({@code network.cocoon.sdk.ton})
 * sends what a wallet signed.
 *
 * <p>Every signature here is Ed25519 over a cell hash by a channel key, and every signed cell starts with its own
 * 32-bit tag, as the contract requires: an init, a close, a commit, an uncooperative close and a challenge can
 * never stand for one another, nor for a semichannel state ({@code 0x43685374}).
 */
public final class ChannelMessages {
    static final long OP_TOP_UP_BALANCE = 1741148801L;
    static final long OP_INIT_CHANNEL = 235282626L;
    static final long OP_COOPERATIVE_CLOSE = 1433884798L;
    static final long OP_START_UNCOOPERATIVE_CLOSE = 521476815L;
    static final long OP_CHALLENGE_QUARANTINED_STATE = 143567410L;
    static final long OP_FINISH_UNCOOPERATIVE_CLOSE = 625158801L;
    static final long TAG_INIT = 0x696e6974L;
    static final long TAG_COOPERATIVE_CLOSE = 0x436c6f73L;
    static final long TAG_START_UNCOOPERATIVE_CLOSE = 0x556e436cL;
    static final long TAG_CHALLENGE_STATE = 0x43686751L;

    private ChannelMessages() {
    }

    /** The {@code StateInit} (code and initial data) to deploy the channel with, as a bag of cells. */
    public static byte[] stateInit(ChannelParameters channel) {
        return ChannelCells.toBoc(channel.stateInitCell());
    }

    /** {@code top_up_balance add_A:Coins add_B:Coins}: attach at least {@code addA + addB} nanotons. */
    public static byte[] topUp(long addA, long addB) {
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeUint(OP_TOP_UP_BALANCE, 32);
        cell.storeCoins(nonNegative(addA, "addA"));
        cell.storeCoins(nonNegative(addB, "addB"));
        return ChannelCells.toBoc(cell.endCell());
    }

    /**
     * {@code init_channel}: opens a funded channel with these balances, signed by one party. The balances must
     * be what the contract holds for each party.
     */
    public static byte[] initChannel(ChannelParameters channel, long balanceA, long balanceB, boolean byA,
                                     Ed25519KeyPair signer) {
        CellBuilder body = CellBuilder.beginCell();
        body.storeUint(TAG_INIT, 32);
        body.storeUint(channel.channelId(), 128);
        body.storeCoins(nonNegative(balanceA, "balanceA"));
        body.storeCoins(nonNegative(balanceB, "balanceB"));
        return oneSignature(OP_INIT_CHANNEL, channel, byA, signer, body.endCell());
    }

    /**
     * The body both parties sign to close cooperatively: the final balances and both seqnos. Settling on the
     * receipts, {@code balanceA = depositA - owed} and {@code balanceB = depositB + owed}.
     */
    public static CooperativeClose cooperativeClose(ChannelParameters channel, long balanceA, long balanceB,
                                                    long seqnoA, long seqnoB) {
        CellBuilder body = CellBuilder.beginCell();
        body.storeUint(TAG_COOPERATIVE_CLOSE, 32);
        body.storeUint(channel.channelId(), 128);
        body.storeCoins(nonNegative(balanceA, "balanceA"));
        body.storeCoins(nonNegative(balanceB, "balanceB"));
        body.storeUint(BigInteger.valueOf(nonNegative(seqnoA, "seqnoA").longValueExact()), 64);
        body.storeUint(BigInteger.valueOf(nonNegative(seqnoB, "seqnoB").longValueExact()), 64);
        return new CooperativeClose(body.endCell());
    }

    /** A cooperative close to be signed by both parties, then sent by either. */
    public static final class CooperativeClose {
        private final Cell body;

        private CooperativeClose(Cell body) {
            this.body = body;
        }

        /** The hash each party signs. */
        public byte[] hash() {
            return body.hash();
        }

        /** One party's signature. */
        public byte[] sign(Ed25519KeyPair key) {
            return key.sign(body.hash());
        }

        /**
         * The message with both signatures, each checked first.
         *
         * @throws IllegalArgumentException if a signature is not its party's
         */
        public byte[] message(ChannelParameters channel, byte[] signatureA, byte[] signatureB) {
            if (!Ed25519.verify(channel.clientKey(), body.hash(), signatureA)
                    || !Ed25519.verify(channel.operatorKey(), body.hash(), signatureB)) {
                throw new IllegalArgumentException("each signature must be its party's over the close");
            }
            return uncheckedMessage(signatureA, signatureB);
        }

        /** The message without checking the signatures: for proving that the contract checks them. */
        byte[] uncheckedMessage(byte[] signatureA, byte[] signatureB) {
            CellBuilder cell = CellBuilder.beginCell();
            cell.storeUint(OP_COOPERATIVE_CLOSE, 32);
            cell.storeRef(signatureCell(signatureA));
            cell.storeRef(signatureCell(signatureB));
            cell.storeSlice(org.ton.ton4j.cell.CellSlice.beginParse(body));
            return ChannelCells.toBoc(cell.endCell());
        }
    }

    /**
     * {@code start_uncooperative_close}: one party submits both parties' latest signed states; the other has the
     * quarantine to answer with newer ones ({@link #challengeQuarantinedState}).
     */
    public static byte[] startUncooperativeClose(ChannelParameters channel, boolean byA, Ed25519KeyPair signer,
                                                 SignedSemiChannel stateA, SignedSemiChannel stateB) {
        return oneSignature(OP_START_UNCOOPERATIVE_CLOSE, channel, byA, signer,
                statesBody(TAG_START_UNCOOPERATIVE_CLOSE, channel, stateA, stateB));
    }

    /** {@code challenge_quarantined_state}: newer signed states during the quarantine. */
    public static byte[] challengeQuarantinedState(ChannelParameters channel, boolean byA, Ed25519KeyPair signer,
                                                   SignedSemiChannel stateA, SignedSemiChannel stateB) {
        return oneSignature(OP_CHALLENGE_QUARANTINED_STATE, channel, byA, signer,
                statesBody(TAG_CHALLENGE_STATE, channel, stateA, stateB));
    }

    /** {@code finish_uncooperative_close}: pays out once the quarantine (and conditional close time) is over. */
    public static byte[] finishUncooperativeClose() {
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeUint(OP_FINISH_UNCOOPERATIVE_CLOSE, 32);
        return ChannelCells.toBoc(cell.endCell());
    }

    private static Cell statesBody(long tag, ChannelParameters channel, SignedSemiChannel stateA,
                                   SignedSemiChannel stateB) {
        Objects.requireNonNull(stateA, "stateA");
        Objects.requireNonNull(stateB, "stateB");
        stateA.verify(channel.clientKey());
        stateB.verify(channel.operatorKey());
        return uncheckedStatesBody(tag, channel, stateA, stateB);
    }

    /** Without checking the states' signatures: for proving that the contract checks them. */
    static byte[] uncheckedStartUncooperativeClose(ChannelParameters channel, boolean byA, Ed25519KeyPair signer,
                                                   SignedSemiChannel stateA, SignedSemiChannel stateB) {
        return oneSignature(OP_START_UNCOOPERATIVE_CLOSE, channel, byA, signer,
                uncheckedStatesBody(TAG_START_UNCOOPERATIVE_CLOSE, channel, stateA, stateB));
    }

    private static Cell uncheckedStatesBody(long tag, ChannelParameters channel, SignedSemiChannel stateA,
                                            SignedSemiChannel stateB) {
        CellBuilder body = CellBuilder.beginCell();
        body.storeUint(tag, 32);
        body.storeUint(channel.channelId(), 128);
        body.storeRef(stateA.toCell());
        body.storeRef(stateB.toCell());
        return body.endCell();
    }

    private static byte[] oneSignature(long op, ChannelParameters channel, boolean byA, Ed25519KeyPair signer,
                                       Cell signed) {
        byte[] expected = byA ? channel.clientKey() : channel.operatorKey();
        if (!java.util.Arrays.equals(expected, signer.publicKey())) {
            throw new IllegalArgumentException("the signer must be party " + (byA ? "A" : "B") + " of the channel");
        }
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeUint(op, 32);
        cell.storeBit(byA);
        cell.storeBytes(signer.sign(signed.hash()));
        cell.storeSlice(org.ton.ton4j.cell.CellSlice.beginParse(signed));
        return ChannelCells.toBoc(cell.endCell());
    }

    private static Cell signatureCell(byte[] signature) {
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeBytes(signature);
        return cell.endCell();
    }

    private static BigInteger nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be at least 0");
        }
        return BigInteger.valueOf(value);
    }
}
