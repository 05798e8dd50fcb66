package network.cocoon.sdk;

/**
 * A payment document (a payment-channel state or, later, a receipt) was refused. The message names what is
 * wrong and never carries prompt or answer text.
 */
public final class PaymentException extends CocoonException {
    private static final long serialVersionUID = 1L;

    /** Why a payment document was refused. */
    public enum Reason {
        /** The bytes are not a bag of cells of the expected TL-B layout, or not in its one canonical form. */
        MALFORMED_STATE,
        /** The state uses a feature Cocoon does not accept (conditional payments). */
        UNSUPPORTED_STATE,
        /** The signature is not the expected key's Ed25519 signature over the state's cell hash. */
        SIGNATURE_INVALID
    }

    private final Reason reason;

    /** A refusal for the given reason. */
    public PaymentException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** A refusal for the given reason, with its cause. */
    public PaymentException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** What was wrong. */
    public Reason reason() {
        return reason;
    }

    @Override
    Object reasonTag() {
        return reason;
    }
}
