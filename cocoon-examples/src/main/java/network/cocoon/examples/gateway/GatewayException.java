package network.cocoon.examples.gateway;

/** Carries the OpenAI-shaped error a request ends with. */
final class GatewayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient OpenAiError error;

    GatewayException(OpenAiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    OpenAiError error() {
        return error;
    }
}
