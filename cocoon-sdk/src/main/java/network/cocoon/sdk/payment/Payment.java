package network.cocoon.sdk.payment;

import java.util.Objects;

/**
 * How one request was paid: the promise the client signed for it and the worker's verified receipt.
 *
 * @param promise the client's signed promise
 * @param receipt the worker's receipt, verified against the promise, the attested prices and the previous receipt
 */
public record Payment(SignedSemiChannel promise, SignedReceipt receipt) {
    /** Validates presence. */
    public Payment {
        Objects.requireNonNull(promise, "promise");
        Objects.requireNonNull(receipt, "receipt");
    }

    /** Nanotons charged for this request. */
    public long amount() {
        return receipt.receipt().amount();
    }

    /** Nanotons charged on the channel so far, by the receipts: what the client owes. */
    public long owed() {
        return receipt.receipt().cumulative();
    }

    /** Nanotons the last promise allows the worker to claim on-chain. */
    public long promised() {
        return promise.state().body().sent();
    }
}
