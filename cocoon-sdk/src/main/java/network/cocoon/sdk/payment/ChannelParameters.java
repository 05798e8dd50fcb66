package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import network.cocoon.sdk.crypto.Ed25519;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;

/**
 * Everything that fixes a standard payment channel's address: both parties' keys and wallets, the channel id,
 * the closing terms and the excess fee. The client is party A (payer), the worker's operator party B.
 *
 * <p>The address is derived here from the contract's code and its initial data, never taken from someone
 * else, so that a client pays into the contract it thinks it does. A signed state names the channel id but not
 * the address: use a random id per channel.
 *
 * @param channelId the 128-bit channel id
 * @param clientKey party A's Ed25519 public key (signs the client's promises)
 * @param operatorKey party B's Ed25519 public key (the worker attests it)
 * @param clientAddress where A's share is paid out at close
 * @param operatorAddress where B's share is paid out at close (the attested payout)
 * @param closing the closing terms
 * @param excessFee nanotons kept by the contract for storage at close
 */
public record ChannelParameters(BigInteger channelId, byte[] clientKey, byte[] operatorKey, TonAddress clientAddress,
                                TonAddress operatorAddress, ClosingConfig closing, long excessFee) {
    private static final BigInteger MAX_CHANNEL_ID = BigInteger.ONE.shiftLeft(128);

    /** Validates and copies. */
    public ChannelParameters {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(operatorAddress, "operatorAddress");
        Objects.requireNonNull(closing, "closing");
        if (channelId.signum() < 0 || channelId.compareTo(MAX_CHANNEL_ID) >= 0) {
            throw new IllegalArgumentException("channelId must be in [0, 2^128)");
        }
        if (Objects.requireNonNull(clientKey, "clientKey").length != Ed25519.PUBLIC_KEY_LENGTH
                || Objects.requireNonNull(operatorKey, "operatorKey").length != Ed25519.PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("channel keys are 32-byte Ed25519 public keys");
        }
        if (excessFee < 0) {
            throw new IllegalArgumentException("excessFee must be at least 0");
        }
        clientKey = clientKey.clone();
        operatorKey = operatorKey.clone();
    }

    /** A copy of the client's key. */
    @Override
    public byte[] clientKey() {
        return clientKey.clone();
    }

    /** A copy of the operator's key. */
    @Override
    public byte[] operatorKey() {
        return operatorKey.clone();
    }

    /** The contract's initial data cell, as the standard contract expects it at deployment. */
    Cell dataCell() {
        CellBuilder closingCell = CellBuilder.beginCell();
        closingCell.storeUint(closing.quarantineDuration(), 32);
        closingCell.storeCoins(BigInteger.valueOf(closing.misbehaviorFine()));
        closingCell.storeUint(closing.conditionalCloseDuration(), 32);
        CellBuilder paymentConfig = CellBuilder.beginCell();
        paymentConfig.storeCoins(BigInteger.valueOf(excessFee));
        clientAddress.store(paymentConfig);
        operatorAddress.store(paymentConfig);

        CellBuilder data = CellBuilder.beginCell();
        data.storeBit(false); // inited
        data.storeCoins(BigInteger.ZERO); // balance_A
        data.storeCoins(BigInteger.ZERO); // balance_B
        data.storeBytes(clientKey);
        data.storeBytes(operatorKey);
        data.storeUint(channelId, 128);
        data.storeRef(closingCell.endCell());
        data.storeUint(0L, 32); // committed_seqno_A
        data.storeUint(0L, 32); // committed_seqno_B
        data.storeBit(false); // no quarantine
        data.storeRef(paymentConfig.endCell());
        return data.endCell();
    }

    /** The bag of cells of the initial data. */
    public byte[] dataBoc() {
        return ChannelCells.toBoc(dataCell());
    }

    Cell stateInitCell() {
        CellBuilder stateInit = CellBuilder.beginCell();
        stateInit.storeBit(false); // split_depth
        stateInit.storeBit(false); // special
        stateInit.storeBit(true);
        stateInit.storeRef(PaymentChannelCode.cell());
        stateInit.storeBit(true);
        stateInit.storeRef(dataCell());
        stateInit.storeBit(false); // library
        return stateInit.endCell();
    }

    /** The contract's address in workchain 0: the hash of its {@code StateInit} (code and data). */
    public TonAddress address() {
        return new TonAddress(0, stateInitCell().hash());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelParameters other && channelId.equals(other.channelId)
                && Arrays.equals(clientKey, other.clientKey) && Arrays.equals(operatorKey, other.operatorKey)
                && clientAddress.equals(other.clientAddress) && operatorAddress.equals(other.operatorAddress)
                && closing.equals(other.closing) && excessFee == other.excessFee;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channelId, Arrays.hashCode(clientKey), Arrays.hashCode(operatorKey), clientAddress,
                operatorAddress, closing, excessFee);
    }

    /** The channel by its id and address. */
    @Override
    public String toString() {
        return "ChannelParameters[id=" + channelId + ", address=" + address() + "]";
    }
}
