package network.cocoon.worker.inference;

import java.util.Objects;
import network.cocoon.worker.inference.llama.WeightPrecision;

/**
 * How the DJL engine runs a model.
 *
 * @param device {@code cpu}, {@code gpu} or {@code auto} (GPU when PyTorch sees one)
 * @param modelId the id clients request, or {@code null} for the checkpoint directory's name
 * @param chatTemplate a template name overriding detection, or {@code null}
 * @param maxBatch most sequences decoded together
 * @param queueCapacity most requests waiting to join the batch before the engine answers busy
 * @param maxContext longest sequence (prompt and answer) supported, capped by the model's own limit
 * @param weightPrecision how the model's matrices are stored on the device
 */
public record EngineSettings(String device, String modelId, String chatTemplate, int maxBatch, int queueCapacity,
                             int maxContext, WeightPrecision weightPrecision) {
    /** Validates the limits. */
    public EngineSettings {
        Objects.requireNonNull(device);
        Objects.requireNonNull(weightPrecision);
        if (!device.equals("cpu") && !device.equals("gpu") && !device.equals("auto")) {
            throw new IllegalArgumentException("device must be cpu, gpu or auto");
        }
        if (maxBatch < 1 || queueCapacity < 1 || maxContext < 2) {
            throw new IllegalArgumentException("invalid engine limits");
        }
    }

    /** Settings with float32 weights. */
    public EngineSettings(String device, String modelId, String chatTemplate, int maxBatch, int queueCapacity,
                          int maxContext) {
        this(device, modelId, chatTemplate, maxBatch, queueCapacity, maxContext, WeightPrecision.FLOAT32);
    }

    /** CPU, batches of 16, a queue of 64, up to 4,096 positions, float32 weights. */
    public static EngineSettings defaults() {
        return new EngineSettings("cpu", null, null, 16, 64, 4096);
    }
}
