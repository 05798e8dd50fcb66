package network.cocoon.worker.inference;

/** The engine's queue is full; the request was not started. */
public final class EngineBusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A busy refusal. */
    public EngineBusyException(String message) {
        super(message);
    }
}
