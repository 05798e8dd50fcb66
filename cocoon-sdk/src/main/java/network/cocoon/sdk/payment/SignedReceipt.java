package network.cocoon.sdk.payment;

import java.util.Arrays;
import java.util.Objects;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;
import org.ton.ton4j.cell.CellSlice;

/**
 * A receipt with the worker's Ed25519 signature over its cell hash, as TON signs cells:
 * {@code signed_receipt$_ signature:bits512 receipt:^Receipt = SignedReceipt}. The receipt's 32-bit tag keeps
 * these signatures apart from every other cell, and the cell-hash form apart from the result statement's
 * labelled digest, which the same key signs.
 *
 * @param signature the 64-byte signature over {@link Receipt#hash()}
 * @param receipt the receipt
 */
public record SignedReceipt(byte[] signature, Receipt receipt) {
    /** Validates the signature's length and copies it. */
    public SignedReceipt {
        Objects.requireNonNull(receipt, "receipt");
        if (Objects.requireNonNull(signature, "signature").length != Ed25519.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 signature is 64 bytes");
        }
        signature = signature.clone();
    }

    /** Signs a receipt with the worker's key. */
    public static SignedReceipt sign(Receipt receipt, Ed25519KeyPair key) {
        return new SignedReceipt(key.sign(receipt.hash()), receipt);
    }

    /** A copy of the signature. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /**
     * Checks the signature against the worker's attested signing key.
     *
     * @throws PaymentException with {@link Reason#SIGNATURE_INVALID} if it is not that key's signature
     */
    public void verify(byte[] signingKey) {
        if (!Ed25519.verify(signingKey, receipt.hash(), signature)) {
            throw new PaymentException(Reason.SIGNATURE_INVALID, "signature",
                    "the receipt is not signed by the worker's attested key", null, null);
        }
    }

    /** The canonical bag of cells. */
    public byte[] toBoc() {
        CellBuilder cell = CellBuilder.beginCell();
        cell.storeBytes(signature);
        cell.storeRef(receipt.toCell());
        return ChannelCells.toBoc(cell.endCell());
    }

    /**
     * Parses a signed receipt; the signature is not checked here (see {@link #verify}).
     *
     * @throws PaymentException with {@link Reason#MALFORMED_RECEIPT} if the bytes are not exactly one canonical
     *     signed receipt
     */
    public static SignedReceipt fromBoc(byte[] boc) {
        Cell root = ChannelCells.parseBoc(boc, Reason.MALFORMED_RECEIPT);
        return ChannelCells.parse(root, Reason.MALFORMED_RECEIPT, slice -> {
            byte[] signature = slice.loadBytes(Ed25519.SIGNATURE_LENGTH * 8);
            Cell receipt = slice.loadRef();
            ChannelCells.requireConsumed(slice, Reason.MALFORMED_RECEIPT, "signed_receipt");
            return new SignedReceipt(signature, Receipt.load(receipt));
        });
    }

    @Override
    public String toString() {
        return "Signed" + receipt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SignedReceipt other && Arrays.equals(signature, other.signature)
                && receipt.equals(other.receipt);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(signature) + receipt.hashCode();
    }
}
