package network.cocoon.sdk.routing;

/** A worker directory could not be read, or what it served does not verify. The message names the field. */
public final class DirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with its cause.
     *
     * @param message what went wrong, a fixed text with field names
     * @param cause the underlying failure, or {@code null}
     */
    public DirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
