package network.cocoon.benchmarks;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import network.cocoon.worker.inference.NativeThreads;

/**
 * The three ways of computing a float32 linear layer without bias, {@code x W^T}, timed against each other in one
 * run over the 120 per-layer products of the SmolLM-135M shape (30 layers of q/k/v, o, gate/up and down), for 1 to
 * 128 rows: {@code linear(x, W)}, {@code x.matMul(W^T)} and {@code (W x^T)^T}. The worker times the first and
 * the last on its own weights as it loads and keeps the faster per band of rows ({@code ProductPlan}); this shows
 * the whole curve on a host.
 *
 * <p>Usage, from the repository root: {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
 * network.cocoon.benchmarks.LinearProductBenchmark}
 */
public final class LinearProductBenchmark {
    private static final long[][] LAYER_SHAPES = {{960, 576}, {576, 576}, {3072, 576}, {576, 1536}};
    private static final int LAYERS = 30;
    private static final int ROUNDS = 5;

    private LinearProductBenchmark() {
    }

    /** One way of computing {@code x W^T}. */
    @FunctionalInterface
    private interface Product {
        NDArray apply(NDArray x, NDArray weight);
    }

    public static void main(String[] args) {
        if (args.length != 0) {
            throw new IllegalArgumentException("LinearProductBenchmark takes no arguments");
        }
        NativeThreads.beforeLoadingPyTorch();
        System.out.printf(Locale.ROOT, "engine %s %s, %d CPU cores, OpenMP threads %s%n",
                Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(),
                Runtime.getRuntime().availableProcessors(), NativeThreads.waitSetting());
        String[] names = {"linear(x, W)", "x.matMul(W^T)", "(W x^T)^T"};
        List<Product> products = List.of(
                (x, w) -> Linear.linear(x, w, null).singletonOrThrow(),
                (x, w) -> x.matMul(toInputsManager(x, w.transpose())),
                (x, w) -> toInputsManager(x, w.matMul(x.transpose())).transpose());
        try (NDManager model = NDManager.newBaseManager()) {
            List<NDArray> weights = new ArrayList<>();
            for (int layer = 0; layer < LAYERS; layer++) {
                for (long[] shape : LAYER_SHAPES) {
                    weights.add(model.randomNormal(0, 0.02f, new Shape(shape), DataType.FLOAT32));
                }
            }
            System.out.printf(Locale.ROOT, "%nms for the %d products, best of %d rounds, the methods taking turns:%n",
                    weights.size(), ROUNDS);
            System.out.printf(Locale.ROOT, "| rows | %s | %s | %s | (W x^T)^T against linear |%n", (Object[]) names);
            System.out.println("| ---: | ---: | ---: | ---: | ---: |");
            for (int rows : new int[] {1, 2, 4, 8, 16, 32, 64, 128}) {
                double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
                for (int round = 0; round <= ROUNDS; round++) {
                    for (int method = 0; method < products.size(); method++) {
                        double millis = pass(model, weights, rows, products.get(method));
                        if (round > 0) { // round 0 warms each method up at this shape
                            best[method] = Math.min(best[method], millis);
                        }
                    }
                }
                System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.1f | %.2f× as fast |%n", rows, best[0], best[1],
                        best[2], best[0] / best[2]);
            }
        }
    }

    /** Moves an array made from a weight (which the weight's manager would keep) to the input's manager. */
    private static NDArray toInputsManager(NDArray x, NDArray array) {
        array.attach(x.getManager());
        return array;
    }

    /** Milliseconds for one pass over every weight, each product's result read back to force it. */
    private static double pass(NDManager model, List<NDArray> weights, int rows, Product product) {
        try (NDManager scratch = model.newSubManager()) {
            NDArray[] inputs = new NDArray[LAYER_SHAPES.length];
            for (int i = 0; i < LAYER_SHAPES.length; i++) {
                inputs[i] = scratch.randomNormal(new Shape(rows, LAYER_SHAPES[i][1]));
            }
            long start = System.nanoTime();
            float sink = 0;
            for (int i = 0; i < weights.size(); i++) {
                NDArray out = product.apply(inputs[i % LAYER_SHAPES.length], weights.get(i));
                out.attach(scratch);
                sink += out.getFloat(0, 0);
            }
            double millis = (System.nanoTime() - start) / 1e6;
            if (Float.isNaN(sink)) {
                throw new IllegalStateException("a product came out NaN");
            }
            return millis;
        }
    }
}
