package network.cocoon.sdk;

/**
 * The worker could not be reached or the connection failed (refused, reset, timed out). Whether a sent
 * request was processed is unknown; the SDK never resends it on its own.
 */
public final class TransportException extends CocoonException {
    private static final long serialVersionUID = 1L;

    /** A transport failure. */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
