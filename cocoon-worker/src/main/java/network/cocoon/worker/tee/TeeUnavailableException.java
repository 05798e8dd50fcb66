package network.cocoon.worker.tee;

/** The requested TEE platform cannot produce evidence here; the worker must not start without it. */
public final class TeeUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A failure with its reason. */
    public TeeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
