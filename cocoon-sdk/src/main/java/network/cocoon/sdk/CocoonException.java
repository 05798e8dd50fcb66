package network.cocoon.sdk;

/**
 * Base of every error the SDK throws for a request. Each subtype says which layer refused, and carries a
 * precise reason; none of them ever contains prompt or answer text.
 */
public abstract sealed class CocoonException extends RuntimeException
        permits AttestationException, IntegrityException, PaymentException, TransportException,
        WorkerRejectedException {
    private static final long serialVersionUID = 1L;

    CocoonException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The precise reason, where the subtype has one; shown once by {@link #toString()}. */
    Object reasonTag() {
        return null;
    }

    /** The class, the reason where there is one, and the message: {@code AttestationException[EXPIRED]: ...}. */
    @Override
    public String toString() {
        Object reason = reasonTag();
        return getClass().getSimpleName() + (reason == null ? "" : "[" + reason + "]") + ": " + getMessage();
    }
}
