package network.cocoon.sdk.ton;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.TonAddress;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;

/**
 * The standard wallet v4r2 (code hash {@code feb5ff68…abd5c0}, bundled from tonweb and checked at load): signs the
 * external message that makes it send one internal message, such as a payment channel's top-up, init or close
 * ({@code network.cocoon.sdk.payment.ChannelMessages}), for {@link TonApi#sendBoc}. The wallet deploys itself with
 * its first message (seqno 0).
 */
public final class WalletV4 {
    /** The wallet code's cell hash. */
    public static final String CODE_HASH = "feb5ff6820e2ff0d9483e7e0d62c817d846789fb4ae580c878866d959dabd5c0";
    /** The usual subwallet id in workchain 0. */
    public static final long DEFAULT_WALLET_ID = 698983191L;
    /** Send mode 3: pay fees separately, ignore errors in the action phase. */
    public static final int MODE_PAY_FEES_SEPARATELY = 3;
    private static final Cell CODE = loadCode();

    private final Ed25519KeyPair key;
    private final long walletId;

    /** The wallet of {@code key} in workchain 0 with the usual subwallet id. */
    public WalletV4(Ed25519KeyPair key) {
        this(key, DEFAULT_WALLET_ID);
    }

    /** The wallet of {@code key} with a subwallet id. */
    public WalletV4(Ed25519KeyPair key, long walletId) {
        this.key = Objects.requireNonNull(key);
        if (walletId < 0 || walletId > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("walletId must fit uint32");
        }
        this.walletId = walletId;
    }

    private Cell stateInit() {
        CellBuilder data = CellBuilder.beginCell();
        data.storeUint(0L, 32); // seqno
        data.storeUint(walletId, 32);
        data.storeBytes(key.publicKey());
        data.storeBit(false); // no plugins
        CellBuilder init = CellBuilder.beginCell();
        init.storeBit(false);
        init.storeBit(false);
        init.storeBit(true);
        init.storeRef(CODE);
        init.storeBit(true);
        init.storeRef(data.endCell());
        init.storeBit(false);
        return init.endCell();
    }

    /** The wallet's address in workchain 0. */
    public TonAddress address() {
        return new TonAddress(0, stateInit().hash());
    }

    /**
     * The wallet's current seqno, 0 when it is not deployed yet.
     *
     * @throws TonApiException if the chain cannot be read
     */
    public long seqno(TonApi api) {
        try {
            List<TvmValue> stack = api.runGetMethod(address(), "seqno");
            if (stack.size() == 1 && stack.get(0) instanceof TvmValue.Num n && n.value().signum() >= 0
                    && n.value().bitLength() <= 32) {
                return n.value().longValue();
            }
            throw new TonApiException(TonApiException.Reason.MALFORMED_RESPONSE, "seqno: one uint32 expected", null);
        } catch (TonApiException e) {
            if (e.reason() == TonApiException.Reason.EXIT_CODE) {
                return 0; // not deployed: the first message deploys it
            }
            throw e;
        }
    }

    /**
     * The signed external message that makes the wallet send {@code nanotons} to {@code destination} with a body
     * and, optionally, a {@code StateInit} (to deploy a contract).
     *
     * @param seqno the wallet's current seqno ({@link #seqno}); 0 also deploys the wallet
     * @param validUntil seconds since the epoch after which the wallet refuses the message
     * @param bounce whether the message bounces back if the destination fails
     * @param body the body's bag of cells, or {@code null}
     * @param stateInit the destination's {@code StateInit} bag of cells, or {@code null}
     */
    public byte[] transfer(long seqno, long validUntil, TonAddress destination, long nanotons, boolean bounce,
                           byte[] body, byte[] stateInit) {
        if (seqno < 0 || seqno > 0xFFFF_FFFFL || validUntil < 0 || validUntil > 0xFFFF_FFFFL || nanotons < 0) {
            throw new IllegalArgumentException("seqno and validUntil fit uint32; nanotons is at least 0");
        }
        CellBuilder internal = CellBuilder.beginCell();
        internal.storeBit(false); // int_msg_info$0
        internal.storeBit(true); // ihr_disabled
        internal.storeBit(bounce);
        internal.storeBit(false); // bounced
        internal.storeUint(0L, 2); // src: addr_none
        storeAddress(internal, destination);
        internal.storeCoins(BigInteger.valueOf(nanotons));
        internal.storeBit(false); // no extra currencies
        internal.storeCoins(BigInteger.ZERO); // ihr_fee
        internal.storeCoins(BigInteger.ZERO); // fwd_fee
        internal.storeUint(BigInteger.ZERO, 64); // created_lt
        internal.storeUint(0L, 32); // created_at
        storeInitAndBody(internal, stateInit == null ? null : Cell.fromBoc(stateInit),
                body == null ? CellBuilder.beginCell().endCell() : Cell.fromBoc(body));

        CellBuilder signing = CellBuilder.beginCell();
        signing.storeUint(walletId, 32);
        signing.storeUint(seqno == 0 ? 0xFFFF_FFFFL : validUntil, 32);
        signing.storeUint(seqno, 32);
        signing.storeUint(0L, 8); // op: simple send
        signing.storeUint((long) MODE_PAY_FEES_SEPARATELY, 8);
        signing.storeRef(internal.endCell());
        Cell signed = signing.endCell();

        CellBuilder walletBody = CellBuilder.beginCell();
        walletBody.storeBytes(key.sign(signed.hash()));
        walletBody.storeSlice(org.ton.ton4j.cell.CellSlice.beginParse(signed));

        CellBuilder external = CellBuilder.beginCell();
        external.storeUint(2L, 2); // ext_in_msg_info$10
        external.storeUint(0L, 2); // src: addr_none
        storeAddress(external, address());
        external.storeCoins(BigInteger.ZERO); // import_fee
        storeInitAndBody(external, seqno == 0 ? stateInit() : null, walletBody.endCell());
        return external.endCell().toBoc(true);
    }

    private static void storeAddress(CellBuilder cell, TonAddress address) {
        cell.storeUint(2L, 2);
        cell.storeBit(false);
        cell.storeInt(address.workchain(), 8);
        cell.storeBytes(address.hash());
    }

    /** {@code init:(Maybe (Either StateInit ^StateInit)) body:(Either X ^X)}, both by reference. */
    private static void storeInitAndBody(CellBuilder cell, Cell init, Cell body) {
        if (init == null) {
            cell.storeBit(false);
        } else {
            cell.storeBit(true);
            cell.storeBit(true);
            cell.storeRef(init);
        }
        cell.storeBit(true);
        cell.storeRef(body);
    }

    private static Cell loadCode() {
        byte[] hex;
        try (InputStream in = WalletV4.class.getResourceAsStream("wallet-v4r2-code.boc.hex")) {
            if (in == null) {
                throw new IllegalStateException("wallet-v4r2-code.boc.hex is missing from the SDK");
            }
            hex = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cell code = Cell.fromBoc(HexFormat.of().parseHex(new String(hex, StandardCharsets.US_ASCII).trim()));
        if (!Arrays.equals(code.hash(), HexFormat.of().parseHex(CODE_HASH))) {
            throw new IllegalStateException("the bundled wallet code does not have hash " + CODE_HASH);
        }
        return code;
    }
}
