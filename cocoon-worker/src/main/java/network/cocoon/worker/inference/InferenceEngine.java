package network.cocoon.worker.inference;

import network.cocoon.sdk.protocol.ModelInfo;

/**
 * Generates chat completions. The worker's server depends only on this interface; the shipped engine is
 * the DJL one.
 *
 * <p>Implementations are thread-safe: the server calls {@link #generate} from many threads at once.
 */
public interface InferenceEngine extends AutoCloseable {
    /** The served model's id and digest, as attested. */
    ModelInfo model();

    /**
     * Generates a completion, passing each new piece of text to {@code sink} as soon as it is final (text
     * that could still turn into a stop sequence is held back). With {@link TokenSink#NONE} the text comes only
     * in the result; either way the result says when the first and last pieces were released, where the engine
     * records it.
     *
     * @throws EngineBusyException if the engine's queue is full
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    Generation generate(GenerationRequest request, TokenSink sink) throws InterruptedException;

    /** Requests waiting for the engine, for the queue-depth metric; 0 for an engine without a queue. */
    default int queued() {
        return 0;
    }

    /**
     * Whether a request arriving now would find the queue full. A hint for refusing early, before a request is
     * decrypted, paid for and tokenized; {@link #generate} still decides (and throws {@link EngineBusyException}).
     */
    default boolean saturated() {
        return false;
    }

    /** Releases the model. */
    @Override
    void close();
}
