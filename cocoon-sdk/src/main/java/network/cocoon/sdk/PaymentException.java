package network.cocoon.sdk;

import java.util.Optional;
import network.cocoon.sdk.payment.PaymentEvidence;

/**
 * A payment was refused or could not be made: a channel state or receipt failed a check, the worker asked
 * for more than the caller allows, or the spend store failed. The message names the field at fault and never
 * carries prompt or answer text. When a worker's signed receipt disagrees with what the client promised,
 * {@link #evidence()} holds both signed documents, so the dispute can be shown to anyone.
 */
public final class PaymentException extends CocoonException {
    private static final long serialVersionUID = 1L;

    /** Why a payment was refused. */
    public enum Reason {
        /** The bytes are not a bag of cells of the expected TL-B layout, or not in its one canonical form. */
        MALFORMED_STATE,
        /** The state uses a feature Cocoon does not accept (conditional payments). */
        UNSUPPORTED_STATE,
        /** The signature is not the expected key's Ed25519 signature over the document's cell hash. */
        SIGNATURE_INVALID,
        /** The receipt's bytes are not a canonical signed receipt. */
        MALFORMED_RECEIPT,
        /** A field of the worker's receipt disagrees with the request, the attestation or the last receipt. */
        RECEIPT_MISMATCH,
        /** The channel's parameters disagree with the terms the worker attests, or the worker takes no payment. */
        CHANNEL_MISMATCH,
        /** The request could cost more than the caller's per-request cap, or the worker asked for more. */
        OVER_CAP,
        /** Paying for the request would promise more than the channel's deposit. */
        INSUFFICIENT_DEPOSIT,
        /** The channel has signed 2<sup>32</sup>−1 states; it must be closed and a new one opened. */
        SEQNO_EXHAUSTED,
        /** The worker still refused the payment after the one re-signed promise the SDK sends. */
        PAYMENT_REQUIRED,
        /** Too many paid requests on the channel went unanswered to ask the worker for their receipts. */
        UNANSWERED_REQUESTS,
        /** The spend store could not read or durably write the channel's record. */
        STORE_FAILED
    }

    /** Why the payment was refused. */
    private final Reason reason;
    /** The wire field at fault, or {@code null}. */
    private final String field;
    private final transient PaymentEvidence evidence;

    /** A refusal for the given reason. */
    public PaymentException(Reason reason, String message) {
        this(reason, message, (Throwable) null);
    }

    /** A refusal for the given reason, with its cause. */
    public PaymentException(Reason reason, String message, Throwable cause) {
        this(reason, null, message, null, cause);
    }

    /**
     * A refusal that names the field at fault and carries the signed documents that prove it.
     *
     * @param field the TL-B or wire field name, or {@code null}
     * @param evidence the signed documents, or {@code null}
     */
    public PaymentException(Reason reason, String field, String message, PaymentEvidence evidence, Throwable cause) {
        super(field == null ? message : "field '" + field + "': " + message, cause);
        this.reason = reason;
        this.field = field;
        this.evidence = evidence;
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    /** The field at fault, when one is. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }

    /** The signed promise and receipt that prove a disagreement, when there is one. */
    public Optional<PaymentEvidence> evidence() {
        return Optional.ofNullable(evidence);
    }

    @Override
    Object reasonTag() {
        return reason;
    }
}
