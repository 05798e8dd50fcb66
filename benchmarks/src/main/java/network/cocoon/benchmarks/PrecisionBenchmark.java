package network.cocoon.benchmarks;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import network.cocoon.worker.inference.LoadProgress;
import network.cocoon.worker.inference.NativeThreads;
import network.cocoon.worker.inference.llama.HiddenActivation;
import network.cocoon.worker.inference.llama.KvCache;
import network.cocoon.worker.inference.llama.LlamaConfig;
import network.cocoon.worker.inference.llama.LlamaModel;
import network.cocoon.worker.inference.llama.WeightPrecision;
import network.cocoon.worker.training.SmallModelTrainer;

/**
 * The weight precisions against float32 on the SmolLM-135M shape, loaded side by side in one process and
 * taking turns, so that a shared host's drift falls on all of them alike (InferenceBenchmark runs them one
 * after the other). Per round and precision: a 128-token prompt per sequence, 3 untimed and 8 timed decode
 * steps; the order rotates each round. Prints the median step time of each and, per precision, float32's time
 * over its own, median and range of the paired rounds.
 *
 * <pre>{@code java --enable-native-access=ALL-UNNAMED -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
 * network.cocoon.benchmarks.PrecisionBenchmark [--rounds 5]}</pre>
 */
public final class PrecisionBenchmark {
    private static final int PROMPT = 128;
    private static final int UNTIMED_STEPS = 3;
    private static final int TIMED_STEPS = 8;

    private PrecisionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 5;
        NativeThreads.beforeLoadingPyTorch();
        LlamaConfig smol = new LlamaConfig(576, 30, 9, 3, 64, 1536, 49152, 1e-5, 10_000, null, 2048, true,
                LlamaConfig.Biases.NONE, HiddenActivation.SILU, List.of(0L), null);
        var weights = SmallModelTrainer.initialWeights(smol, new Random(7));
        WeightPrecision[] precisions = WeightPrecision.values();
        List<LlamaModel> models = new ArrayList<>();
        try {
            for (WeightPrecision p : precisions) {
                models.add(LlamaModel.create(smol, weights, Device.cpu(), 512, p, LoadProgress.NONE));
            }
            System.out.printf(Locale.ROOT, "SmolLM-135M shape, %d rounds, OpenMP threads %s%n", rounds,
                    NativeThreads.waitSetting());
            for (int batch : new int[] {1, 4, 16}) {
                double[][] step = new double[precisions.length][rounds];
                double[][] prefill = new double[precisions.length][rounds];
                for (int r = 0; r < rounds; r++) {
                    for (int k = 0; k < precisions.length; k++) {
                        int m = (k + r) % precisions.length;
                        double[] figures = measure(models.get(m), batch, new Random(r));
                        prefill[m][r] = figures[0];
                        step[m][r] = figures[1];
                    }
                }
                System.out.printf(Locale.ROOT, "%nbatch %d%n| precision | decode ms/step (median, range) | prefill tok/s "
                        + "| float32's step time over this one (median, range) |%n| --- | ---: | ---: | ---: |%n", batch);
                for (int m = 0; m < precisions.length; m++) {
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = step[0][r] / step[m][r];
                    }
                    double[] s = sorted(step[m]);
                    double[] q = sorted(ratio);
                    System.out.printf(Locale.ROOT, "| %s | %.1f (%.1f-%.1f) | %.0f | %.2f (%.2f-%.2f) |%n",
                            precisions[m].cliName(), s[rounds / 2], s[0], s[rounds - 1], sorted(prefill[m])[rounds / 2],
                            q[rounds / 2], q[0], q[rounds - 1]);
                }
            }
        } finally {
            models.forEach(LlamaModel::close);
        }
    }

    /** {prefill tokens/s, decode ms per step} for {@code batch} fresh sequences. */
    private static double[] measure(LlamaModel model, int batch, Random random) {
        List<KvCache> caches = new ArrayList<>();
        try {
            List<LlamaModel.Chunk> prompts = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                KvCache cache = model.newCache(PROMPT + UNTIMED_STEPS + TIMED_STEPS + 2);
                caches.add(cache);
                prompts.add(new LlamaModel.Chunk(random.longs(PROMPT, 0, model.config().vocabSize()).toArray(), cache));
            }
            long start = System.nanoTime();
            long[] next = InferenceBenchmark.step(model, prompts);
            double prefill = batch * PROMPT / ((System.nanoTime() - start) / 1e9);
            for (int s = 0; s < UNTIMED_STEPS; s++) {
                next = decode(model, next, caches);
            }
            start = System.nanoTime();
            for (int s = 0; s < TIMED_STEPS; s++) {
                next = decode(model, next, caches);
            }
            return new double[] {prefill, (System.nanoTime() - start) / 1e6 / TIMED_STEPS};
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    private static long[] decode(LlamaModel model, long[] next, List<KvCache> caches) {
        List<LlamaModel.Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < caches.size(); i++) {
            chunks.add(new LlamaModel.Chunk(new long[] {next[i]}, caches.get(i)));
        }
        return InferenceBenchmark.step(model, chunks);
    }

    private static double[] sorted(double[] values) {
        double[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
