package network.cocoon.sdk.payment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.ton.ton4j.cell.Cell;

/**
 * The standard payment channel contract's code (ton-blockchain/payment-channels), as tonweb ships it (MIT).
 * Loaded once and checked against its well-known cell hash, so a changed resource cannot move every channel
 * address the SDK derives.
 */
final class PaymentChannelCode {
    /** The code cell's hash, as published by tonweb and ton4j. */
    static final String HASH = "41f5b77f02d4a96eb465197215ed00923720a6c731fa32934f9c0e80ffb85589";
    private static final Cell CODE = load();

    private PaymentChannelCode() {
    }

    static Cell cell() {
        return CODE;
    }

    private static Cell load() {
        byte[] hex;
        try (InputStream in = PaymentChannelCode.class.getResourceAsStream("payment-channel-code.boc.hex")) {
            if (in == null) {
                throw new IllegalStateException("payment-channel-code.boc.hex is missing from the SDK");
            }
            hex = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Cell code = Cell.fromBoc(HexFormat.of().parseHex(new String(hex, StandardCharsets.US_ASCII).trim()));
        if (!Arrays.equals(code.hash(), HexFormat.of().parseHex(HASH))) {
            throw new IllegalStateException("the bundled payment channel code does not have hash " + HASH);
        }
        return code;
    }
}
