package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import network.cocoon.sdk.ton.TonApi;
import network.cocoon.sdk.ton.TonApiException;
import network.cocoon.sdk.ton.TvmValue;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellSlice;

/**
 * A payment channel contract's state as its {@code get_channel_data} get-method returns it:
 * {@code [state, [balance_A, balance_B], [key_A, key_B], channel_id, [quarantine_duration, misbehavior_fine,
 * conditional_close_duration], [seqno_A, seqno_B], quarantine, [excess_fee, addr_A, addr_B]]}.
 *
 * @param status the contract's state
 * @param balanceA party A's balance, nanotons
 * @param balanceB party B's balance, nanotons
 * @param keyA party A's key
 * @param keyB party B's key
 * @param channelId the channel id
 * @param closing the closing terms
 * @param seqnoA A's committed seqno
 * @param seqnoB B's committed seqno
 * @param excessFee the excess fee
 * @param addressA A's payout address
 * @param addressB B's payout address
 */
public record OnChainChannel(Status status, long balanceA, long balanceB, byte[] keyA, byte[] keyB,
                             BigInteger channelId, ClosingConfig closing, long seqnoA, long seqnoB, long excessFee,
                             TonAddress addressA, TonAddress addressB) {
    /** The contract's states. */
    public enum Status {
        /** Deployed, not initialized. */
        UNINITED,
        /** Open: promises can be paid. */
        OPEN,
        /** An uncooperative close started; the quarantine runs. */
        CLOSURE_STARTED,
        /** Conditional payments are being settled. */
        SETTLING_CONDITIONALS,
        /** Waiting for {@code finish_uncooperative_close}. */
        AWAITING_FINALIZATION
    }

    /** Copies the keys. */
    public OnChainChannel {
        keyA = keyA.clone();
        keyB = keyB.clone();
    }

    /** A copy of A's key. */
    @Override
    public byte[] keyA() {
        return keyA.clone();
    }

    /** A copy of B's key. */
    @Override
    public byte[] keyB() {
        return keyB.clone();
    }

    /**
     * Reads a channel contract.
     *
     * @throws TonApiException if the call fails, there is no such contract, or the stack is not the standard one
     */
    public static OnChainChannel read(TonApi api, TonAddress channel) {
        return parse(api.runGetMethod(channel, "get_channel_data"));
    }

    /**
     * Parses {@code get_channel_data}'s stack.
     *
     * @throws TonApiException naming the entry that is not of the standard contract's shape
     */
    public static OnChainChannel parse(List<TvmValue> stack) {
        if (stack.size() != 8) {
            throw malformed("stack", "8 entries expected, got " + stack.size());
        }
        int state = intValue(num(stack.get(0), "state"), "state");
        if (state < 0 || state >= Status.values().length) {
            throw malformed("state", "unknown state " + state);
        }
        List<TvmValue> balances = tuple(stack.get(1), "balances", 2);
        List<TvmValue> keys = tuple(stack.get(2), "keys", 2);
        BigInteger channelId = num(stack.get(3), "channel_id");
        List<TvmValue> closing = tuple(stack.get(4), "closing_config", 3);
        List<TvmValue> seqnos = tuple(stack.get(5), "seqnos", 2);
        if (!(stack.get(6) instanceof TvmValue.CellValue) && !(stack.get(6) instanceof TvmValue.Null)) {
            throw malformed("quarantine", "a cell or null expected");
        }
        List<TvmValue> payment = tuple(stack.get(7), "payment_config", 3);
        return new OnChainChannel(Status.values()[state], coins(balances.get(0), "balance_A"),
                coins(balances.get(1), "balance_B"), key(keys.get(0), "key_A"), key(keys.get(1), "key_B"), channelId,
                new ClosingConfig(uint32(closing.get(0), "quarantine_duration"),
                        coins(closing.get(1), "misbehavior_fine"), uint32(closing.get(2), "conditional_close_duration")),
                uint32(seqnos.get(0), "seqno_A"), uint32(seqnos.get(1), "seqno_B"), coins(payment.get(0), "excess_fee"),
                address(payment.get(1), "addr_A"), address(payment.get(2), "addr_B"));
    }

    /**
     * The first parameter in which this contract differs from {@code expected}, by its field name; empty when it
     * is that channel.
     */
    public Optional<String> mismatch(ChannelParameters expected) {
        if (!Arrays.equals(keyA, expected.clientKey())) {
            return Optional.of("key_A");
        }
        if (!Arrays.equals(keyB, expected.operatorKey())) {
            return Optional.of("key_B");
        }
        if (!channelId.equals(expected.channelId())) {
            return Optional.of("channel_id");
        }
        if (!closing.equals(expected.closing())) {
            return Optional.of("closing_config");
        }
        if (excessFee != expected.excessFee()) {
            return Optional.of("excess_fee");
        }
        if (!addressA.equals(expected.clientAddress())) {
            return Optional.of("addr_A");
        }
        if (!addressB.equals(expected.operatorAddress())) {
            return Optional.of("addr_B");
        }
        return Optional.empty();
    }

    private static BigInteger num(TvmValue value, String field) {
        if (value instanceof TvmValue.Num n) {
            return n.value();
        }
        throw malformed(field, "an integer expected");
    }

    private static List<TvmValue> tuple(TvmValue value, String field, int size) {
        if (value instanceof TvmValue.Tuple t && t.elements().size() == size) {
            return t.elements();
        }
        throw malformed(field, "a tuple of " + size + " expected");
    }

    private static int intValue(BigInteger value, String field) {
        if (value.bitLength() > 31) {
            throw malformed(field, "out of range");
        }
        return value.intValue();
    }

    private static long uint32(TvmValue value, String field) {
        BigInteger n = num(value, field);
        if (n.signum() < 0 || n.bitLength() > 32) {
            throw malformed(field, "a uint32 expected");
        }
        return n.longValue();
    }

    private static long coins(TvmValue value, String field) {
        BigInteger n = num(value, field);
        if (n.signum() < 0 || n.bitLength() > 63) {
            throw malformed(field, "an amount of nanotons expected");
        }
        return n.longValue();
    }

    private static byte[] key(TvmValue value, String field) {
        BigInteger n = num(value, field);
        if (n.signum() < 0 || n.bitLength() > 256) {
            throw malformed(field, "a 256-bit key expected");
        }
        byte[] raw = n.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static TonAddress address(TvmValue value, String field) {
        if (!(value instanceof TvmValue.CellValue cell)) {
            throw malformed(field, "a slice expected");
        }
        try {
            CellSlice slice = CellSlice.beginParse(Cell.fromBoc(cell.boc()));
            TonAddress address = TonAddress.load(slice, network.cocoon.sdk.PaymentException.Reason.MALFORMED_STATE,
                    field);
            if (slice.getRestBits() != 0) {
                throw malformed(field, "bits after the address");
            }
            return address;
        } catch (TonApiException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            throw malformed(field, "not an addr_std address");
        }
    }

    private static TonApiException malformed(String field, String message) {
        return new TonApiException(TonApiException.Reason.MALFORMED_RESPONSE, "get_channel_data " + field + ": "
                + message, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnChainChannel c && status == c.status && balanceA == c.balanceA
                && balanceB == c.balanceB && Arrays.equals(keyA, c.keyA) && Arrays.equals(keyB, c.keyB)
                && channelId.equals(c.channelId) && closing.equals(c.closing) && seqnoA == c.seqnoA
                && seqnoB == c.seqnoB && excessFee == c.excessFee && addressA.equals(c.addressA)
                && addressB.equals(c.addressB);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(status, balanceA, balanceB, Arrays.hashCode(keyA), Arrays.hashCode(keyB),
                channelId, closing, seqnoA, seqnoB, excessFee, addressA, addressB);
    }
}
