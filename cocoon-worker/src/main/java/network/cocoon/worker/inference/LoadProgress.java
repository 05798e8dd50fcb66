package network.cocoon.worker.inference;

/**
 * Hears how far loading a model has come, stage by stage, in bytes: hashing the checkpoint for its digest,
 * reading its tensors, copying them to the device. Called on the loading thread.
 */
@FunctionalInterface
public interface LoadProgress {
    /** Hears nothing. */
    LoadProgress NONE = (stage, done, total) -> { };

    /**
     * @param stage what is being done, a fixed word: {@code hashing}, {@code reading} or {@code to device}
     * @param done bytes done in this stage so far
     * @param total bytes this stage will handle
     */
    void update(String stage, long done, long total);
}
