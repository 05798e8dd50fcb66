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
    private final ScriptedModule module;
    private final NDArray linearMethod;
    private final NDArray linearWithBiasMethod;
    private final NDArray scalesMethod;

    private Int8Ops(ScriptedModule module) {
        this.module = module;
        this.linearMethod = module.method("forward");
        this.linearWithBiasMethod = module.method("linear_with_bias");
        this.scalesMethod = module.method("bfloat16_scales");
    }

    /**
     * Loads the module onto {@code manager}'s device.
     *
     * @throws IllegalStateException if the bundled archive is missing or PyTorch refuses it
     */
    public static Int8Ops load(NDManager manager) {
        return new Int8Ops(ScriptedModule.load(manager, "int8_ops.pt"));
    }

    /**
     * The float32 {@code scales} as the bfloat16 tensor {@link #linear} takes, owned by their manager. Each
     * scale must be exact in bfloat16 (as {@code Int8Rows} makes them), so that nothing is rounded here.
     */
    public NDArray productScales(NDArray scales) {
        return module.run(scalesMethod, scales);
    }

    /**
     * {@code x (diag(scales) W)^T} for an int8 {@code weight} of shape {@code (out, in)} and its
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

    @Override
    public void close() {
        module.close();
    }
}
