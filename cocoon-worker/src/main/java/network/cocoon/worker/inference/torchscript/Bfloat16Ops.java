package network.cocoon.worker.inference.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * bfloat16 tensors, which DJL 0.36 cannot make: its native binding maps no data-type code to bfloat16, and
 * asking it for one ({@code NDArray.toType(DataType.BFLOAT16, ...)}) ends the JVM. The conversion and the
 * products over bfloat16 weights run in a bundled TorchScript module instead.
 *
 * <p>DJL reports the data type of the bfloat16 tensors this class returns as {@code UNKNOWN}: they may be
 * indexed, sliced and widened with {@code toType(DataType.FLOAT32, false)}, but not printed or read into Java
 * arrays, and callers keep track of which tensors are bfloat16 themselves.
 *
 * <p>Thread safety: the module holds no state; its methods may run from any thread while it is open.
 */
public final class Bfloat16Ops implements AutoCloseable {
    private final ScriptedModule module;
    private final NDArray narrowMethod;
    private final NDArray linearMethod;
    private final NDArray linearWithBiasMethod;

    private Bfloat16Ops(ScriptedModule module) {
        this.module = module;
        this.narrowMethod = module.method("forward");
        this.linearMethod = module.method("linear");
        this.linearWithBiasMethod = module.method("linear_with_bias");
    }

    /**
     * Loads the module onto {@code manager}'s device.
     *
     * @throws IllegalStateException if the bundled archive is missing or PyTorch refuses it
     */
    public static Bfloat16Ops load(NDManager manager) {
        return new Bfloat16Ops(ScriptedModule.load(manager, "bfloat16_ops.pt"));
    }

    /**
     * {@code x} rounded to bfloat16 (to nearest, ties to even), owned by {@code x}'s manager. {@code x} is
     * float32; NaN and infinities keep their kind.
     */
    public NDArray narrow(NDArray x) {
        return module.run(narrowMethod, x);
    }

    /**
     * {@code x W^T} for a bfloat16 {@code weight} of shape {@code (out, in)}: {@code x} (float32, any leading
     * dimensions) is rounded to bfloat16, the product accumulates in float32 inside PyTorch's kernel and is
     * rounded to bfloat16 once, and it returns as float32, owned by {@code x}'s manager.
     */
    public NDArray linear(NDArray x, NDArray weight) {
        return module.run(linearMethod, x, weight);
    }

    /**
     * {@link #linear(NDArray, NDArray)} plus {@code bias} (bfloat16 or float32), added in float32 after the
     * product returns to float32.
     */
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return module.run(linearWithBiasMethod, x, weight, bias);
    }

    @Override
    public void close() {
        module.close();
    }
}
