package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.protocol.Price;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;
import org.ton.ton4j.cell.CellSlice;

/**
 * What a worker charged for one request, as a TON cell (TL-B in {@code docs/protocol.md} §10):
 * <pre>
 * receipt_terms$_ channel:MsgAddressInt prompt_price:Coins completion_price:Coins
 *     amount:Coins cumulative:Coins = ReceiptTerms;
 * cocoon_receipt#52435054 channel_id:uint128 seqno:uint32 request_hash:bits256 result_hash:bits256
 *     prompt_tokens:uint32 completion_tokens:uint32 time:uint64 terms:^ReceiptTerms = Receipt;
 * </pre>
 * Its cell hash is the result statement's {@code receipt_hash}, and the worker's attested key signs it
 * ({@link SignedReceipt}).
 *
 * @param channel the channel contract's address
 * @param channelId the channel id
 * @param seqno the seqno of the client's promise that paid for this request
 * @param requestHash SHA-256 of the sealed request as sent
 * @param resultHash the result statement's completion hash
 * @param promptTokens prompt tokens charged
 * @param completionTokens completion tokens charged
 * @param price the prices applied, nanotons per 1,000 tokens
 * @param amount nanotons charged for this request, {@link Tariff#amount}
 * @param cumulative nanotons charged on this channel so far, this request included
 * @param time when the worker issued it, seconds since the epoch
 */
public record Receipt(TonAddress channel, BigInteger channelId, long seqno, byte[] requestHash, byte[] resultHash,
                      long promptTokens, long completionTokens, Price price, long amount, long cumulative,
                      long time) {
    /** {@code cocoon_receipt#52435054} ("RCPT"). */
    static final long TAG = 0x52435054L;
    private static final long UINT32 = 0xFFFF_FFFFL;

    /** Validates ranges and copies the hashes. */
    public Receipt {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(price, "price");
        if (channelId.signum() < 0 || channelId.bitLength() > 128) {
            throw new IllegalArgumentException("channelId must fit uint128");
        }
        if (Objects.requireNonNull(requestHash, "requestHash").length != 32
                || Objects.requireNonNull(resultHash, "resultHash").length != 32) {
            throw new IllegalArgumentException("hashes are 32 bytes");
        }
        if (seqno < 0 || seqno > UINT32 || promptTokens < 0 || promptTokens > UINT32 || completionTokens < 0
                || completionTokens > UINT32) {
            throw new IllegalArgumentException("seqno and token counts must fit uint32");
        }
        if (amount < 0 || cumulative < amount || time < 0) {
            throw new IllegalArgumentException("amounts and time must be non-negative, cumulative at least amount");
        }
        requestHash = requestHash.clone();
        resultHash = resultHash.clone();
    }

    /** A copy of the request hash. */
    @Override
    public byte[] requestHash() {
        return requestHash.clone();
    }

    /** A copy of the result hash. */
    @Override
    public byte[] resultHash() {
        return resultHash.clone();
    }

    Cell toCell() {
        CellBuilder terms = CellBuilder.beginCell();
        channel.store(terms);
        terms.storeCoins(BigInteger.valueOf(price.promptPer1k()));
        terms.storeCoins(BigInteger.valueOf(price.completionPer1k()));
        terms.storeCoins(BigInteger.valueOf(amount));
        terms.storeCoins(BigInteger.valueOf(cumulative));
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeUint(TAG, 32);
        cell.storeUint(channelId, 128);
        cell.storeUint(seqno, 32);
        cell.storeBytes(requestHash);
        cell.storeBytes(resultHash);
        cell.storeUint(promptTokens, 32);
        cell.storeUint(completionTokens, 32);
        cell.storeUint(BigInteger.valueOf(time), 64);
        cell.storeRef(terms.endCell());
        return cell.endCell();
    }

    /** The receipt cell's hash: the result statement's {@code receipt_hash}, and what the worker signs. */
    public byte[] hash() {
        return toCell().hash();
    }

    /** {@link #hash()} as lowercase hex. */
    public String hashHex() {
        return HexFormat.of().formatHex(hash());
    }

    static Receipt load(Cell cell) {
        CellSlice slice = CellSlice.beginParse(cell);
        if (slice.loadUint(32).longValue() != TAG) {
            throw malformed("tag", "not a cocoon_receipt (tag 0x52435054)");
        }
        BigInteger channelId = slice.loadUint(128);
        long seqno = slice.loadUint(32).longValue();
        byte[] requestHash = slice.loadBytes(256);
        byte[] resultHash = slice.loadBytes(256);
        long promptTokens = slice.loadUint(32).longValue();
        long completionTokens = slice.loadUint(32).longValue();
        BigInteger time = slice.loadUint(64);
        CellSlice terms = CellSlice.beginParse(slice.loadRef());
        ChannelCells.requireConsumed(slice, Reason.MALFORMED_RECEIPT, "cocoon_receipt");
        TonAddress channel = TonAddress.load(terms, Reason.MALFORMED_RECEIPT, "channel");
        long promptPrice = coins(terms, "prompt_price");
        long completionPrice = coins(terms, "completion_price");
        long amount = coins(terms, "amount");
        long cumulative = coins(terms, "cumulative");
        ChannelCells.requireConsumed(terms, Reason.MALFORMED_RECEIPT, "receipt_terms");
        if (time.bitLength() > 63) {
            throw malformed("time", "is beyond any date this SDK handles");
        }
        if (cumulative < amount) {
            throw malformed("cumulative", "is below amount");
        }
        return new Receipt(channel, channelId, seqno, requestHash, resultHash, promptTokens, completionTokens,
                new Price(promptPrice, completionPrice), amount, cumulative, time.longValue());
    }

    private static long coins(CellSlice slice, String field) {
        BigInteger value = slice.loadCoins();
        if (value.bitLength() > 63) {
            throw malformed(field, "is larger than any amount of toncoin");
        }
        return value.longValue();
    }

    private static PaymentException malformed(String field, String message) {
        return new PaymentException(Reason.MALFORMED_RECEIPT, field, message, null, null);
    }

    /** Hashes, not content; short for logs. */
    @Override
    public String toString() {
        return "Receipt[channel=" + channel + ", seqno=" + seqno + ", tokens=" + promptTokens + "+" + completionTokens
                + ", amount=" + amount + ", cumulative=" + cumulative + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Receipt r && channel.equals(r.channel) && channelId.equals(r.channelId)
                && seqno == r.seqno && Arrays.equals(requestHash, r.requestHash)
                && Arrays.equals(resultHash, r.resultHash) && promptTokens == r.promptTokens
                && completionTokens == r.completionTokens && price.equals(r.price) && amount == r.amount
                && cumulative == r.cumulative && time == r.time;
    }

    @Override
    public int hashCode() {
        return Objects.hash(channel, channelId, seqno, Arrays.hashCode(requestHash), Arrays.hashCode(resultHash),
                promptTokens, completionTokens, price, amount, cumulative, time);
    }
}
