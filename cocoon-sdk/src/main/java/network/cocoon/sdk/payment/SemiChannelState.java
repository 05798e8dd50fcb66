package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;
import network.cocoon.sdk.PaymentException;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;

/**
 * What one party of a payment channel signs, TL-B
 * {@code semichannel_state#43685374 channel_id:uint128 data:SemiChannelBody
 * counterparty_data:(Maybe ^SemiChannelBody)}. The client, as party A, signs its own body with the highest
 * {@code sent} it promises; {@code counterparty} is the operator's body as the client last saw it.
 *
 * @param channelId the channel's 128-bit id; random per channel, since the state does not name the
 *     contract address
 * @param body the signer's body
 * @param counterparty the other party's body, if included
 */
public record SemiChannelState(BigInteger channelId, SemiChannelBody body, Optional<SemiChannelBody> counterparty) {
    private static final BigInteger MAX_CHANNEL_ID = BigInteger.ONE.shiftLeft(128);

    /** Validates the channel id's range. */
    public SemiChannelState {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(counterparty, "counterparty");
        if (channelId.signum() < 0 || channelId.compareTo(MAX_CHANNEL_ID) >= 0) {
            throw new IllegalArgumentException("channelId must be in [0, 2^128)");
        }
    }

    Cell toCell() {
        CellBuilder cell = CellBuilder.beginCell();
        ChannelCells.storeState(cell, this);
        return cell.endCell();
    }

    /** The canonical bag of cells of this state. */
    public byte[] toBoc() {
        return ChannelCells.toBoc(toCell());
    }

    /** The state cell's representation hash: what a signature covers. */
    public byte[] hash() {
        return toCell().hash();
    }

    /**
     * Parses an unsigned state.
     *
     * @throws PaymentException if the bytes are not exactly one canonical semichannel state
     */
    public static SemiChannelState fromBoc(byte[] boc) {
        Cell root = ChannelCells.parseBoc(boc);
        return ChannelCells.parse(root, slice -> {
            SemiChannelState state = ChannelCells.loadState(slice);
            ChannelCells.requireConsumed(slice, "semichannel_state");
            return state;
        });
    }
}
