package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.Arrays;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.ton.BagOfCellsHeader;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;
import org.ton.ton4j.cell.CellSlice;

/**
 * The standard payment channel's off-chain TL-B (ton-blockchain/payment-channels {@code scheme.tlb}) on
 * ton4j cells. Parsing is strict: every bit and reference is accounted for, and a bag of cells must be the
 * one canonical serialization this class writes, so a state has exactly one byte form.
 */
final class ChannelCells {
    /** {@code semichannel_state#43685374}. */
    static final long SEMICHANNEL_TAG = 0x43685374L;
    /** Bags of cells of payment states are small; anything larger is refused before parsing. */
    static final int MAX_BOC_BYTES = 1024;
    /** Most cells a payment document may have. */
    static final int MAX_CELLS = 8;

    private ChannelCells() {
    }

    static void storeBody(CellBuilder cell, SemiChannelBody body) {
        cell.storeUint(BigInteger.valueOf(body.seqno()), 64);
        cell.storeCoins(BigInteger.valueOf(body.sent()));
        cell.storeBit(false); // conditionals: empty HashmapE
    }

    static Cell bodyCell(SemiChannelBody body) {
        CellBuilder cell = CellBuilder.beginCell();
        storeBody(cell, body);
        return cell.endCell();
    }

    static void storeState(CellBuilder cell, SemiChannelState state) {
        cell.storeUint(SEMICHANNEL_TAG, 32);
        cell.storeUint(state.channelId(), 128);
        storeBody(cell, state.body());
        if (state.counterparty().isPresent()) {
            cell.storeBit(true);
            cell.storeRef(bodyCell(state.counterparty().get()));
        } else {
            cell.storeBit(false);
        }
    }

    static SemiChannelBody loadBody(CellSlice slice) throws PaymentException {
        BigInteger seqno = slice.loadUint(64);
        BigInteger sent = slice.loadCoins();
        if (slice.loadBit()) {
            throw new PaymentException(Reason.UNSUPPORTED_STATE, "conditional payments are not accepted");
        }
        if (seqno.compareTo(BigInteger.valueOf(SemiChannelBody.MAX_SEQNO)) > 0) {
            throw new PaymentException(Reason.MALFORMED_STATE, "seqno is 2^32 or more, which the contract cannot commit");
        }
        if (sent.bitLength() > 63) {
            throw new PaymentException(Reason.MALFORMED_STATE, "sent is larger than any amount of toncoin");
        }
        return new SemiChannelBody(seqno.longValueExact(), sent.longValueExact());
    }

    static SemiChannelState loadState(CellSlice slice) throws PaymentException {
        if (slice.loadUint(32).longValue() != SEMICHANNEL_TAG) {
            throw new PaymentException(Reason.MALFORMED_STATE, "not a semichannel_state (tag 0x43685374)");
        }
        BigInteger channelId = slice.loadUint(128);
        SemiChannelBody body = loadBody(slice);
        SemiChannelBody counterparty = null;
        if (slice.loadBit()) {
            Cell ref = slice.loadRef();
            CellSlice inner = CellSlice.beginParse(ref);
            counterparty = loadBody(inner);
            requireConsumed(inner, "counterparty_data");
        }
        return new SemiChannelState(channelId, body, java.util.Optional.ofNullable(counterparty));
    }

    static void requireConsumed(CellSlice slice, String what) throws PaymentException {
        requireConsumed(slice, Reason.MALFORMED_STATE, what);
    }

    static void requireConsumed(CellSlice slice, Reason malformed, String what) throws PaymentException {
        if (slice.getRestBits() != 0 || slice.getRefsCount() != 0) {
            throw new PaymentException(malformed, what + " has bits or references beyond its layout");
        }
    }

    /** The one serialization this project writes: one root, no index, with CRC32-C. */
    static byte[] toBoc(Cell cell) {
        return cell.toBoc(true);
    }

    /**
     * The single root cell of a bag of cells in canonical form.
     *
     * @throws PaymentException if the bytes are too large, not a bag of cells, or not canonical
     */
    static Cell parseBoc(byte[] boc) throws PaymentException {
        return parseBoc(boc, Reason.MALFORMED_STATE);
    }

    /** As {@link #parseBoc(byte[])}, refusing with {@code malformed}. */
    static Cell parseBoc(byte[] boc, Reason malformed) throws PaymentException {
        try {
            return parseCanonical(boc);
        } catch (PaymentException e) {
            if (e.reason() != Reason.MALFORMED_STATE || malformed == Reason.MALFORMED_STATE) {
                throw e;
            }
            throw new PaymentException(malformed, e.getMessage(), e.getCause());
        }
    }

    private static Cell parseCanonical(byte[] boc) throws PaymentException {
        if (boc.length > MAX_BOC_BYTES) {
            throw new PaymentException(Reason.MALFORMED_STATE, "bag of cells larger than " + MAX_BOC_BYTES + " bytes");
        }
        checkHeader(boc);
        Cell root;
        try {
            root = Cell.fromBoc(boc);
        } catch (RuntimeException | Error e) {
            throw unlessFatal(e, "not a bag of cells");
        }
        if (root == null || root.isExotic()) {
            throw new PaymentException(Reason.MALFORMED_STATE, "not an ordinary cell");
        }
        byte[] canonical;
        try {
            canonical = toBoc(root);
        } catch (RuntimeException | Error e) {
            throw unlessFatal(e, "bag of cells cannot be re-serialized");
        }
        if (!Arrays.equals(canonical, boc)) {
            throw new PaymentException(Reason.MALFORMED_STATE, "bag of cells is not in canonical form");
        }
        return root;
    }

    /** The canonical form's header, bounded before ton4j reads it ({@link BagOfCellsHeader}). */
    private static void checkHeader(byte[] boc) throws PaymentException {
        try {
            BagOfCellsHeader.check(boc, MAX_CELLS, true);
        } catch (IllegalArgumentException e) {
            throw new PaymentException(Reason.MALFORMED_STATE, e.getMessage());
        }
    }

    /** ton4j signals malformed input with {@link Error}s too; those become refusals, the JVM's own do not. */
    private static PaymentException unlessFatal(Throwable e, String what) {
        if (e instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        return new PaymentException(Reason.MALFORMED_STATE, what, e);
    }

    /** Parses with ton4j, turning its failures on short or odd cells into a typed refusal. */
    static <T> T parse(Cell root, CellParser<T> parser) throws PaymentException {
        return parse(root, Reason.MALFORMED_STATE, parser);
    }

    /** As {@link #parse(Cell, CellParser)}, refusing a layout mismatch with {@code malformed}. */
    static <T> T parse(Cell root, Reason malformed, CellParser<T> parser) throws PaymentException {
        try {
            return parser.parse(CellSlice.beginParse(root));
        } catch (PaymentException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
            throw new PaymentException(malformed, "cell layout does not match", e);
        }
    }

    @FunctionalInterface
    interface CellParser<T> {
        T parse(CellSlice slice) throws PaymentException;
    }
}
