package network.cocoon.sdk.payment;

import java.util.List;
import java.util.Objects;

/**
 * How one request was paid: the promise the client signed for it and the worker's verified receipt.
 *
 * @param promise the client's signed promise
 * @param receipt the worker's receipt, verified against the promise, the attested prices and the previous receipt
 * @param earlier receipts for earlier requests on the channel whose answers never arrived (a broken connection,
 *     a crash), which the worker had charged; verified against what was sent, and included in {@link #owed()}
 */
public record Payment(SignedSemiChannel promise, SignedReceipt receipt, List<SignedReceipt> earlier) {
    /** Validates presence. */
    public Payment {
        Objects.requireNonNull(promise, "promise");
        Objects.requireNonNull(receipt, "receipt");
        earlier = List.copyOf(earlier);
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
