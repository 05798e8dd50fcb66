package network.cocoon.worker.inference.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which of two equal ways a float32 linear layer {@code x W^T} runs on a CPU, by its number of rows:
 * {@code linear(x, W)} or {@code (W x^T)^T}.
 *
 * <p>Which is faster depends on the CPU, so the model times both on its own weights as it loads. PyTorch 2.7.1's
 * CPU product (MKL) ran {@code (W x^T)^T} 2 to 2.7 times as fast as {@code linear} for 2 to 16 rows on an AMD EPYC,
 * but on an Intel Xeon only 0.5 to 0.9 times as fast for 2 to 4 rows and 1.1 to 1.2 times for 16
 * ({@code LinearProductBenchmark}, benchmarks/README.md). Rows fall in bands of powers of two up to
 * {@link #MAX_ROWS}; above it (prompts) {@code linear} runs, whose lead grows with rows.
 *
 * <p>The two ways sum in different orders, so a choice can move logits in their last bits, as a different batch
 * size already does.
 */
final class ProductPlan {
    /** Most rows a plan may give to {@code (W x^T)^T}. */
    static final int MAX_ROWS = 64;
    /** Upper bounds of the bands: band {@code i} holds rows in {@code (BANDS[i-1], BANDS[i]]}. */
    static final int[] BANDS = {1, 2, 4, 8, 16, 32, 64};
    /** Weight bytes one timing pass reads at most (whole layers, at least one): bounds the load's extra time. */
    static final long PASS_BYTES = 512L << 20;
    private static final int TIMED_PASSES = 2;
    /** Layer weights below which a model is not timed (see {@link #measure}). */
    static final long MIN_TIMED_BYTES = 8L << 20;
    /** Shortest time a timed measurement runs: shorter ones measure the clock and the scheduler. */
    private static final double MIN_TIMED_MILLIS = 5;

    private final boolean[] weightTimesRows;
    private final String measured;

    private ProductPlan(boolean[] weightTimesRows, String measured) {
        this.weightTimesRows = weightTimesRows;
        this.measured = measured;
    }

    /** {@code linear} for every row count: the GPU's plan, and that of weights not in float32. */
    static ProductPlan linearOnly() {
        return new ProductPlan(new boolean[BANDS.length], "linear for every row count");
    }

    /** The same way for every band up to {@link #MAX_ROWS}: for tests that need a fixed plan. */
    static ProductPlan uniform(boolean weightTimesRows) {
        boolean[] choice = new boolean[BANDS.length];
        java.util.Arrays.fill(choice, weightTimesRows);
        return new ProductPlan(choice, weightTimesRows ? "(W x^T)^T up to " + MAX_ROWS + " rows" : "linear");
    }

    /**
     * Picks, per band, the faster way by the best of {@link #TIMED_PASSES} timed passes each (after one
     * untimed), the two taking turns; a pass shorter than {@link #MIN_TIMED_MILLIS} is repeated to that time.
     * {@code layers} holds each layer's matrices in order, as {@code (out, in)} float32. Models with less than
     * {@link #MIN_TIMED_BYTES} of layer weights keep {@code linear} untimed: either way takes well under a
     * millisecond a step there, and their loads (tests, the bundled model) stay fast and deterministic.
     */
    static ProductPlan measure(List<List<NDArray>> layers, NDManager manager) {
        List<NDArray> matrices = new ArrayList<>();
        long bytes = 0;
        for (List<NDArray> layer : layers) {
            long layerBytes = layer.stream().mapToLong(m -> m.getShape().size() * 4).sum();
            if (!matrices.isEmpty() && bytes + layerBytes > PASS_BYTES) {
                break;
            }
            matrices.addAll(layer);
            bytes += layerBytes;
        }
        if (bytes < MIN_TIMED_BYTES) {
            return new ProductPlan(new boolean[BANDS.length], "linear for every row count: "
                    + (bytes >> 10) + " KiB of layer weights, too few to time");
        }
        double[] linearMillis = new double[BANDS.length];
        double[] weightTimesRowsMillis = new double[BANDS.length];
        for (int band = 0; band < BANDS.length; band++) {
            linearMillis[band] = Double.MAX_VALUE;
            weightTimesRowsMillis[band] = Double.MAX_VALUE;
            try (NDManager scratch = manager.newSubManager()) {
                List<NDArray> inputs = new ArrayList<>();
                for (NDArray m : matrices) {
                    inputs.add(scratch.randomNormal(new Shape(BANDS[band], m.getShape().get(1))));
                }
                // A small model's pass takes microseconds: repeat it to a measurable time.
                double first = pass(matrices, inputs, false, scratch, 1) + pass(matrices, inputs, true, scratch, 1);
                int repeats = (int) Math.min(1_000,
                        Math.max(1, Math.ceil(2 * MIN_TIMED_MILLIS / Math.max(first, 1e-3))));
                for (int pass = 0; pass < TIMED_PASSES; pass++) {
                    linearMillis[band] = Math.min(linearMillis[band],
                            pass(matrices, inputs, false, scratch, repeats) / repeats);
                    weightTimesRowsMillis[band] = Math.min(weightTimesRowsMillis[band],
                            pass(matrices, inputs, true, scratch, repeats) / repeats);
                }
            }
        }
        return choose(linearMillis, weightTimesRowsMillis);
    }

    /** The plan that gives each band the way with the smaller time; the times are per band, in milliseconds. */
    static ProductPlan choose(double[] linearMillis, double[] weightTimesRowsMillis) {
        if (linearMillis.length != BANDS.length || weightTimesRowsMillis.length != BANDS.length) {
            throw new IllegalArgumentException("one time per band");
        }
        boolean[] choice = new boolean[BANDS.length];
        StringBuilder text = new StringBuilder("ms per pass, linear against (W x^T)^T:");
        for (int band = 0; band < BANDS.length; band++) {
            choice[band] = weightTimesRowsMillis[band] < linearMillis[band];
            text.append(String.format(Locale.ROOT, " %d rows %.2f/%.2f%s", BANDS[band], linearMillis[band],
                    weightTimesRowsMillis[band], choice[band] ? "*" : ""));
        }
        return new ProductPlan(choice, text.toString());
    }

    /** Whether a product over {@code rows} rows runs as {@code (W x^T)^T}. */
    boolean weightTimesRows(long rows) {
        if (rows < 1 || rows > MAX_ROWS) {
            return false;
        }
        int band = 0;
        while (BANDS[band] < rows) {
            band++;
        }
        return weightTimesRows[band];
    }

    /** Milliseconds for {@code repeats} passes over every matrix, each product closed once read. */
    private static double pass(List<NDArray> matrices, List<NDArray> inputs, boolean weightTimesRows,
                               NDManager scratch, int repeats) {
        long start = System.nanoTime();
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < matrices.size(); i++) {
                NDArray x = inputs.get(i);
                try (NDManager step = scratch.newSubManager()) {
                    NDArray transposed = weightTimesRows ? x.transpose() : null;
                    NDArray product = weightTimesRows ? matrices.get(i).matMul(transposed)
                            : Linear.linear(x, matrices.get(i), null).singletonOrThrow();
                    product.attach(step);
                    if (transposed != null) {
                        transposed.attach(step);
                    }
                    product.getFloat(0, 0);
                }
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    @Override
    public String toString() {
        StringBuilder rows = new StringBuilder();
        for (int band = 0; band < BANDS.length; band++) {
            if (weightTimesRows[band]) {
                int low = band == 0 ? 1 : BANDS[band - 1] + 1;
                rows.append(rows.length() == 0 ? "" : ", ").append(low == BANDS[band] ? String.valueOf(low)
                        : low + "-" + BANDS[band]);
            }
        }
        return "(W x^T)^T for " + (rows.length() == 0 ? "no" : rows) + " rows, linear otherwise (" + measured + ")";
    }
}
