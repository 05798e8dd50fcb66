package network.cocoon.worker.inference.llama;

import ai.djl.ndarray.types.DataType;

/**
 * How the model's matrices (projections, MLP, embeddings) are stored on the device. Norm weights and every
 * activation between operations stay float32; a half-precision matrix multiplies a half-precision copy of
 * its input and its output returns to float32.
 */
public enum WeightPrecision {
    /** As the checkpoint holds them (after widening bf16 or f16 files): exact. */
    FLOAT32(DataType.FLOAT32),
    /**
     * IEEE half precision: half the bytes per decode step. PyTorch's half-precision CPU kernels also run
     * several times faster than its float32 matrix-vector product. Checkpoints whose weights exceed half
     * precision's range (65,504) are refused at load.
     */
    FLOAT16(DataType.FLOAT16);

    private final DataType dataType;

    WeightPrecision(DataType dataType) {
        this.dataType = dataType;
    }

    /** The device data type of the matrices. */
    public DataType dataType() {
        return dataType;
    }

    /** {@code float32} or {@code float16}, as the command line spells it. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@link #cliName()}; anything else is refused by name. */
    public static WeightPrecision parse(String name) {
        for (WeightPrecision p : values()) {
            if (p.cliName().equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("weight precision must be float32 or float16, not " + name);
    }
}
