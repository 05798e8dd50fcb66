package network.cocoon.sdk.payment;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.chat.InvalidFieldException;
import org.ton.ton4j.cell.CellBuilder;
import org.ton.ton4j.cell.CellSlice;

/**
 * A TON account address in its raw form, {@code workchain:hash}, e.g.
 * {@code 0:e55aa31981284bc152e0bd3e026bba009a5970034889e38e02621bda5ee957b9}. In cells it is a
 * {@code MsgAddressInt} of the {@code addr_std$10} form without anycast.
 *
 * @param workchain the workchain id, -128 to 127 ({@code int8})
 * @param hash the 32-byte account id
 */
public record TonAddress(int workchain, byte[] hash) {
    private static final Pattern RAW = Pattern.compile("(-?[0-9]{1,3}):([0-9a-fA-F]{64})");

    /** Validates the ranges and copies the hash. */
    public TonAddress {
        if (workchain < -128 || workchain > 127) {
            throw new IllegalArgumentException("workchain must fit int8");
        }
        if (Objects.requireNonNull(hash, "hash").length != 32) {
            throw new IllegalArgumentException("an account id is 32 bytes");
        }
        hash = hash.clone();
    }

    /**
     * Parses the raw form {@code workchain:64 hex digits}. The user-friendly base64 forms are refused by name,
     * because their bounceable and testnet flags would be silently dropped.
     *
     * @param field the wire or option name to blame in the refusal
     * @throws InvalidFieldException if the text is not a raw address
     */
    public static TonAddress parse(String text, String field) {
        Matcher m = RAW.matcher(Objects.requireNonNull(text, field));
        if (!m.matches()) {
            throw new InvalidFieldException(field, "must be a raw TON address, workchain:64 hex digits");
        }
        int workchain = Integer.parseInt(m.group(1));
        if (workchain < -128 || workchain > 127) {
            throw new InvalidFieldException(field, "workchain must be between -128 and 127");
        }
        return new TonAddress(workchain, HexFormat.of().parseHex(m.group(2)));
    }

    /** A copy of the account id. */
    @Override
    public byte[] hash() {
        return hash.clone();
    }

    void store(CellBuilder cell) {
        cell.storeUint(0b10, 2); // addr_std
        cell.storeBit(false); // no anycast
        cell.storeInt(workchain, 8);
        cell.storeBytes(hash);
    }

    static TonAddress load(CellSlice slice, PaymentException.Reason malformed, String field) {
        if (slice.loadUint(2).intValue() != 0b10 || slice.loadBit()) {
            throw new PaymentException(malformed, "field '" + field + "': must be addr_std without anycast");
        }
        int workchain = slice.loadInt(8).intValue();
        return new TonAddress(workchain, slice.loadBytes(256));
    }

    /** The raw form. */
    @Override
    public String toString() {
        return workchain + ":" + HexFormat.of().formatHex(hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TonAddress other && workchain == other.workchain && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return 31 * workchain + Arrays.hashCode(hash);
    }
}
