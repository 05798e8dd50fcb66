package network.cocoon.worker.inference.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;

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
    private static final String RESOURCE = "bfloat16_ops.pt";

    private final PtSymbolBlock module;
    private final NDArray narrowMethod;
    private final NDArray linearMethod;
    private final NDArray linearWithBiasMethod;

    private Bfloat16Ops(PtSymbolBlock module, NDManager manager) {
        this.module = module;
        this.narrowMethod = methodMarker(manager, "forward");
        this.linearMethod = methodMarker(manager, "linear");
        this.linearWithBiasMethod = methodMarker(manager, "linear_with_bias");
    }

    private static NDArray methodMarker(NDManager manager, String method) {
        NDArray marker = manager.zeros(new Shape(1));
        marker.setName("module_method:" + method);
        return marker;
    }

    /**
     * Loads the module onto {@code manager}'s device.
     *
     * @throws IllegalStateException if the bundled archive is missing or PyTorch refuses it
     */
    public static Bfloat16Ops load(NDManager manager) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalStateException("bfloat16 weights need DJL's PyTorch engine, not " + manager.getEngine());
        }
        try (InputStream in = Bfloat16Ops.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the worker's jar lacks the TorchScript archive " + RESOURCE);
            }
            return new Bfloat16Ops(JniUtils.loadModule(pt, in, true, false), manager);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the TorchScript archive " + RESOURCE, e);
        }
    }

    /**
     * {@code x} rounded to bfloat16 (to nearest, ties to even), owned by {@code x}'s manager. {@code x} is
     * float32; NaN and infinities keep their kind.
     */
    public NDArray narrow(NDArray x) {
        return run(narrowMethod, x);
    }

    /**
     * {@code x W^T} for a bfloat16 {@code weight} of shape {@code (out, in)}: {@code x} (float32, any leading
     * dimensions) is rounded to bfloat16, the product accumulates in float32 inside PyTorch's kernel, and it
     * returns as float32, owned by {@code x}'s manager.
     */
    public NDArray linear(NDArray x, NDArray weight) {
        return run(linearMethod, x, weight);
    }

    /**
     * {@link #linear(NDArray, NDArray)} plus {@code bias} (bfloat16 or float32), added in float32 after the
     * product returns to float32.
     */
    public NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return run(linearWithBiasMethod, x, weight, bias);
    }

    /**
     * Runs {@code method} outside PyTorch's inference mode, so that callers may update its result in place (the
     * rotary embedding does): DJL's method call by name always runs in inference mode, whose tensors refuse
     * in-place updates. The marker array, which DJL drops from the arguments, names the method; the first
     * argument's manager owns the result.
     */
    private NDArray run(NDArray method, NDArray... arguments) {
        NDList inputs = new NDList(arguments.length + 1);
        for (NDArray argument : arguments) {
            if (argument.getName() != null) {
                // DJL reads named arrays as members of lists and maps, which these methods do not take.
                throw new IllegalArgumentException("a TorchScript argument must be unnamed, not " + argument.getName());
            }
            inputs.add(argument);
        }
        inputs.add(method);
        return IValueUtils.forward(module, inputs, true).singletonOrThrow();
    }

    @Override
    public void close() {
        narrowMethod.close();
        linearMethod.close();
        linearWithBiasMethod.close();
        module.close();
    }
}
