package network.cocoon.sdk.payment;

import java.util.Objects;

/**
 * The two signed documents of a payment dispute: the client's promise (signed by the client's channel key) and
 * the worker's receipt (signed by its attested key). Either party can show them to anyone: each verifies on its
 * own, and together they show what was promised and what was charged.
 *
 * @param promise the client's signed semichannel state for the request
 * @param receipt the worker's signed receipt
 */
public record PaymentEvidence(SignedSemiChannel promise, SignedReceipt receipt) {
    /** Validates presence. */
    public PaymentEvidence {
        Objects.requireNonNull(promise, "promise");
        Objects.requireNonNull(receipt, "receipt");
    }
}
