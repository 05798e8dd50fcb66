package network.cocoon.worker.inference;

/**
 * Called once per request after its prompt is tokenized and before it is queued, with the exact counts the
 * request will be billed against; throwing refuses the request before any token is generated (the payment
 * check, which needs the prompt's token count). What it starts may still run during generation (the payment
 * desk commits the promise then); the caller awaits it before anything of the answer leaves.
 */
@FunctionalInterface
public interface Admission {
    /** Admits every request. */
    Admission ANY = (promptTokens, maxTokens) -> { };

    /**
     * @param promptTokens the templated prompt's tokens
     * @param maxTokens the most tokens the request may generate, after the context cap
     */
    void admit(int promptTokens, int maxTokens);
}
