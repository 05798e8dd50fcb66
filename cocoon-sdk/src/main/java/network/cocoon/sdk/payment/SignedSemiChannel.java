package network.cocoon.sdk.payment;

import java.util.Objects;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;

/**
 * A signed semichannel state, TL-B {@code signed_schs#_ signature:bits512 state:SemiChannel}: the state
 * inline after an Ed25519 signature over the state cell's hash, as TON signs cells and as the standard
 * contract checks it. The contract's own tag ({@code 0x43685374}) leads the signed cell, which keeps these
 * signatures apart from every other message the same key could sign.
 *
 * @param signature the 64-byte Ed25519 signature over {@link SemiChannelState#hash()}
 * @param state the signed state
 */
public record SignedSemiChannel(byte[] signature, SemiChannelState state) {
    /** Validates the signature's length and copies it. */
    public SignedSemiChannel {
        Objects.requireNonNull(state, "state");
        if (Objects.requireNonNull(signature, "signature").length != Ed25519.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 signature is 64 bytes");
        }
        signature = signature.clone();
    }

    /** Signs a state with a channel key. */
    public static SignedSemiChannel sign(SemiChannelState state, Ed25519KeyPair key) {
        return new SignedSemiChannel(key.sign(state.hash()), state);
    }

    /** A copy of the signature. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Checks the signature against a party's public key.
     *
     * @throws PaymentException with {@link Reason#SIGNATURE_INVALID} if it is not that key's signature
     */
    public void verify(byte[] publicKey) {
        if (!Ed25519.verify(publicKey, state.hash(), signature)) {
            throw new PaymentException(Reason.SIGNATURE_INVALID,
                    "the state is not signed by the channel key it must be signed by");
        }
    }

    Cell toCell() {
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeBytes(signature);
        ChannelCells.storeState(cell, state);
        return cell.endCell();
    }

    /** The canonical bag of cells. */
    public byte[] toBoc() {
        return ChannelCells.toBoc(toCell());
    }

    /**
     * Parses a signed state; the signature is not checked here (see {@link #verify}).
     *
     * @throws PaymentException if the bytes are not exactly one canonical signed semichannel state
     */
    public static SignedSemiChannel fromBoc(byte[] boc) {
        Cell root = ChannelCells.parseBoc(boc);
        return ChannelCells.parse(root, slice -> {
            byte[] signature = slice.loadBytes(Ed25519.SIGNATURE_LENGTH * 8);
            SemiChannelState state = ChannelCells.loadState(slice);
            ChannelCells.requireConsumed(slice, "signed_schs");
            return new SignedSemiChannel(signature, state);
        });
    }

    /** Hides nothing secret, but keeps logs short. */
    @Override
    public String toString() {
        return "SignedSemiChannel[channel=" + state.channelId().toString(16) + ", seqno=" + state.body().seqno()
                + ", sent=" + state.body().sent() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedSemiChannel other && java.util.Arrays.equals(signature, other.signature)
                && state.equals(other.state);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(signature) + state.hashCode();
    }
}
