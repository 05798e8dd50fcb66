package network.cocoon.worker.inference.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * int8 weight-only products: an int8 matrix with one scale per output row, multiplied by PyTorch's
 * {@code _weight_int8pack_mm} kernel, which takes its activations in bfloat16 (its float32 path is a scalar
 * loop, 3 to 20 times slower than float32's product here). Run in a bundled TorchScript module: DJL 0.36 has
 * no call for the kernel and cannot make the bfloat16 tensors it takes.
 *
 * <p>Thread safety: the module holds no state; its methods may run from any thread while it is open.
 */
public final class Int8Ops implements AutoCloseable {
    /**
     * What every int8 matrix's input size (columns) must be a multiple of: the kernel's AVX-512 loop reads 16
     * columns at a time with aligned loads and has no tail, so other sizes read past the row (measured: wrong
     * outputs for 8 columns).
     */
    public static final int INPUT_MULTIPLE = 16;

    private final ScriptedModule module;
    private final NDArray linearMethod;
    private final NDArray linearWithBiasMethod;
    private final NDArray scalesMethod;
    private final NDArray widenedMethod;
    private final NDArray widenedWithBiasMethod;

    private Int8Ops(ScriptedModule module) {
        this.module = module;
        this.linearMethod = module.method("forward");
        this.linearWithBiasMethod = module.method("linear_with_bias");
        this.scalesMethod = module.method("bfloat16_scales");
        this.widenedMethod = module.method("linear_widened");
        this.widenedWithBiasMethod = module.method("linear_widened_with_bias");
    }

    /**
     * Loads the module onto {@code manager}'s device and runs one small product there, so that a device whose
     * PyTorch build lacks the kernel is refused at load rather than at the first request.
     *
     * @throws IllegalStateException if the bundled archive is missing, PyTorch refuses it, or the product fails
     *     or comes out wrong on this device
     */
    public static Int8Ops load(NDManager manager) {
        Int8Ops ops = new Int8Ops(ScriptedModule.load(manager, "int8_ops.pt"));
        try {
            ops.selfCheck(manager);
            return ops;
        } catch (RuntimeException e) {
            ops.close();
            throw new IllegalStateException("int8 weights: PyTorch's _weight_int8pack_mm does not run on "
                    + manager.getDevice() + " (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    /**
     * [1, 2, ..., 16] times the 8 x 16 int8 matrix whose row r is all r - 3, scales 0.5: output r is
     * (r - 3) * 68, exact in bfloat16.
     */
    private void selfCheck(NDManager manager) {
        try (NDManager scratch = manager.newSubManager()) {
            byte[] values = new byte[8 * INPUT_MULTIPLE];
            for (int i = 0; i < values.length; i++) {
                values[i] = (byte) (i / INPUT_MULTIPLE - 3);
            }
            float[] scales = new float[8];
            java.util.Arrays.fill(scales, 0.5f);
            NDArray x = scratch.arange(1f, INPUT_MULTIPLE + 1f).reshape(1, INPUT_MULTIPLE);
            NDArray weight = scratch.create(java.nio.ByteBuffer.wrap(values),
                    new ai.djl.ndarray.types.Shape(8, INPUT_MULTIPLE), ai.djl.ndarray.types.DataType.INT8);
            float[] got = linear(x, weight, productScales(scratch.create(scales))).toFloatArray();
            for (int r = 0; r < 8; r++) {
                if (got[r] != (r - 3) * 68f) {
                    throw new IllegalStateException("output " + r + " is " + got[r] + ", not " + (r - 3) * 68f);
                }
            }
        }
    }

    /**
     * The float32 {@code scales} as the bfloat16 tensor {@link #linear} takes, owned by their manager. Each
     * scale must be exact in bfloat16 (as {@code Int8Rows} makes them), so that nothing is rounded here.
     */
    public NDArray productScales(NDArray scales) {
        return module.run(scalesMethod, scales);
    }

    /**
     * {@code x (diag(scales) W)^T} for an int8 {@code weight} of shape {@code (out, in)}, {@code in} a multiple of
     * {@link #INPUT_MULTIPLE}, and its
     * {@link #productScales}: {@code x} (float32, any leading dimensions) is rounded to bfloat16, the product
     * accumulates in float32 inside the kernel and is rounded to bfloat16 once, and it returns as float32, owned
     * by {@code x}'s manager.
     */
    public NDArray linear(NDArray x, NDArray weight, NDArray scales) {
        return module.run(linearMethod, x, weight, scales);
    }

    /** {@link #linear(NDArray, NDArray, NDArray)} plus a float32 {@code bias}, added in float32. */
    public NDArray linear(NDArray x, NDArray weight, NDArray scales, NDArray bias) {
        return module.run(linearWithBiasMethod, x, weight, scales, bias);
    }

    /**
     * The same product in float32 throughout: the int8 {@code weight} is widened and scaled by the float32
     * {@code rowScales} for this product (exactly: an int8 value times a bfloat16-exact scale fits float32), and
     * {@code x} is not rounded. For many rows (prompts), where the int8 kernel's cost grows faster with rows than
     * float32's product.
     */
    public NDArray linearWidened(NDArray x, NDArray weight, NDArray rowScales) {
        return module.run(widenedMethod, x, weight, rowScales);
    }

    /** {@link #linearWidened} plus a float32 {@code bias}. */
    public NDArray linearWidened(NDArray x, NDArray weight, NDArray rowScales, NDArray bias) {
        return module.run(widenedWithBiasMethod, x, weight, rowScales, bias);
    }

    @Override
    public void close() {
        module.close();
    }
}
