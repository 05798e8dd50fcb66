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
import java.util.ArrayList;
import java.util.List;

/** One bundled TorchScript archive on a model's device, and calls of its methods by name. */
final class ScriptedModule implements AutoCloseable {
    private final PtSymbolBlock module;
    private final NDManager manager;
    private final List<NDArray> markers = new ArrayList<>();

    private ScriptedModule(PtSymbolBlock module, NDManager manager) {
        this.module = module;
        this.manager = manager;
    }

    /**
     * Loads the archive {@code resource} (beside this class) onto {@code manager}'s device.
     *
     * @throws IllegalStateException if the archive is missing or PyTorch refuses it
     */
    static ScriptedModule load(NDManager manager, String resource) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalStateException("TorchScript operations need DJL's PyTorch engine, not "
                    + manager.getEngine());
        }
        try (InputStream in = ScriptedModule.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the worker's jar lacks the TorchScript archive " + resource);
            }
            return new ScriptedModule(JniUtils.loadModule(pt, in, true, false), manager);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the TorchScript archive " + resource, e);
        }
    }

    /**
     * The argument that names {@code method} in {@link #run}: DJL selects the method by this array's name and
     * drops it from the arguments.
     */
    NDArray method(String method) {
        NDArray marker = manager.zeros(new Shape(1));
        marker.setName("module_method:" + method);
        markers.add(marker);
        return marker;
    }

    /**
     * Runs {@code method} outside PyTorch's inference mode, so that callers may update its result in place (the
     * rotary embedding does): DJL's method call by name always runs in inference mode, whose tensors refuse
     * in-place updates. The first argument's manager owns the result.
     */
    NDArray run(NDArray method, NDArray... arguments) {
        NDList inputs = new NDList(arguments.length + 1);
        for (NDArray argument : arguments) {
            if (argument.getName() != null) {
                // DJL reads named arrays as members of lists and maps, which these methods do not take.
                throw new IllegalArgumentException("a TorchScript argument must be unnamed, not " + argument.getName());
            }
            inputs.add(argument);
        }
        inputs.add(method);
        // PyTorch's profiling executor would re-profile and re-specialise these graphs whenever the shapes change
        // (prompt chunks, batch sizes), at many times the cost of the product; the setting is per thread.
        JniUtils.setGraphExecutorOptimize(false);
        return IValueUtils.forward(module, inputs, true).singletonOrThrow();
    }

    @Override
    public void close() {
        markers.forEach(NDArray::close);
        module.close();
    }
}
