package network.cocoon.worker.payment;

import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.PaymentDemand;

/**
 * A request's payment was not accepted: {@link ErrorCode#PAYMENT_REQUIRED} with what would be, or
 * {@link ErrorCode#INVALID_PAYMENT} naming the field and rule. Texts are fixed; numbers are the worker's own.
 * Unchecked, because it is thrown from the engine's admission callback, before any token is generated.
 */
public final class PaymentRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;
    private final String field;
    private final transient PaymentDemand demand;

    private PaymentRefusal(ErrorCode code, String field, String rule, PaymentDemand demand) {
        super(rule, null, false, false);
        this.code = code;
        this.field = field;
        this.demand = demand;
    }

    /** The promise does not cover the debt plus this request. */
    static PaymentRefusal required(PaymentDemand demand) {
        return new PaymentRefusal(ErrorCode.PAYMENT_REQUIRED, "cocoon.payment",
                "the promise does not cover what is owed plus this request", demand);
    }

    /** A field of the payment is wrong. */
    static PaymentRefusal invalid(String field, String rule) {
        return new PaymentRefusal(ErrorCode.INVALID_PAYMENT, field, rule, null);
    }

    /** The channel cannot be paid on right now (its funding cannot be read, or it is busy): 503, try later. */
    static PaymentRefusal unavailable(String fixedText) {
        return new PaymentRefusal(ErrorCode.BUSY, "cocoon.payment.channel_id", fixedText, null);
    }

    /** The error code to answer with. */
    public ErrorCode code() {
        return code;
    }

    /** The wire field at fault. */
    public String field() {
        return field;
    }

    /** For {@link ErrorCode#PAYMENT_REQUIRED}, what the worker asks for; otherwise {@code null}. */
    public PaymentDemand demand() {
        return demand;
    }

    /** The refusal's text: {@code invalid field 'F': rule}. */
    public String text() {
        // A busy refusal is about the worker or the channel's state, not a field the client got wrong.
        return code == ErrorCode.BUSY ? getMessage() : "invalid field '" + field + "': " + getMessage();
    }
}
