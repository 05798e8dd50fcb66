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
    FLOAT16(DataType.FLOAT16),
    /**
     * bfloat16: half the bytes per decode step, float32's range (nothing is refused), 8 significant bits
     * against float16's 11. PyTorch's bfloat16 CPU product uses the CPU's bfloat16 instructions (AVX-512 BF16,
     * AMX) where it has them: faster than float32 from a few rows up (large batches, prompts), slower for one
     * row on PyTorch 2.7.1 (benchmarks/README.md). Made and multiplied through
     * {@link network.cocoon.worker.inference.torchscript.Bfloat16Ops}: DJL 0.36 cannot make bfloat16 tensors.
     */
    BFLOAT16(DataType.BFLOAT16),
    /**
     * int8 weight-only: each matrix row quantized to int8 with one scale ({@link Int8Rows}), a quarter of
     * float32's bytes per decode step. Biases and norm weights stay float32; each product rounds its input to
     * bfloat16 and its float32-accumulated result once (PyTorch's {@code _weight_int8pack_mm}, through
     * {@link network.cocoon.worker.inference.torchscript.Int8Ops}). The least exact of the four.
     */
    INT8(DataType.INT8);

    private final DataType dataType;

    WeightPrecision(DataType dataType) {
        this.dataType = dataType;
    }

    /**
     * The device data type of the matrices. DJL reports bfloat16 tensors as {@code UNKNOWN}, and never pass
     * {@link DataType#BFLOAT16} to DJL's {@code toType}: its native binding ends the JVM on it.
     */
    public DataType dataType() {
        return dataType;
    }

    /** Bytes per matrix element on the device (int8's row scales come on top). */
    public int bytesPerElement() {
        return dataType.getNumOfBytes();
    }

    /** {@code float32}, {@code float16}, {@code bfloat16} or {@code int8}, as the command line spells it. */
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
        throw new IllegalArgumentException("weight precision must be float32, float16, bfloat16 or int8, not " + name);
    }
}
