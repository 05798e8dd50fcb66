package network.cocoon.worker.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import network.cocoon.worker.inference.ChatTemplate;
import network.cocoon.worker.inference.TextTokenizer;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.inference.checkpoint.Safetensors;
import network.cocoon.worker.inference.llama.KvCache;
import network.cocoon.worker.inference.llama.HiddenActivation;
import network.cocoon.worker.inference.llama.LlamaConfig;
import network.cocoon.worker.inference.llama.LlamaModel;

/**
 * Trains Cocoon's small model on {@link AdditionTask} with the same forward pass the worker serves with,
 * and writes it as a Hugging Face checkpoint. Bit for bit reproducible for a given seed on one PyTorch thread
 * ({@code -Dai.djl.pytorch.num_threads=1}); on more, PyTorch's parallel kernels may differ in the last bits from
 * one run to the next (seen once in CI, on an Intel Xeon host).
 *
 * <p>Usage: {@code SmallModelTrainer --out DIR [--steps N] [--batch N] [--lr X] [--seed N]}
 */
public final class SmallModelTrainer {
    private final LlamaConfig config;
    private final AdditionTask task = new AdditionTask(200);
    private final Random random;
    private final TextTokenizer tokenizer;
    private final long endOfTurn;

    private SmallModelTrainer(LlamaConfig config, TextTokenizer tokenizer, long seed) {
        this.config = config;
        this.tokenizer = tokenizer;
        this.random = new Random(seed);
        this.endOfTurn = tokenizer.tokenId(ChatTemplate.CHATML.endOfTurn()).orElseThrow();
    }

    /** The small model's architecture: GQA with 6 query and 2 key/value heads, so every path runs. */
    public static LlamaConfig smallConfig() {
        return new LlamaConfig(96, 3, 6, 2, 16, 256, CharTokenizerJson.vocabularySize(), 1e-5, 10_000, null, 64,
                true, LlamaConfig.Biases.NONE, HiddenActivation.SILU, List.of(1L), "chatml");
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = Path.of(options.getOrDefault("out", "cocoon-worker/models/cocoon-add-tiny"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "3000"));
        int batch = Integer.parseInt(options.getOrDefault("batch", "64"));
        float lr = Float.parseFloat(options.getOrDefault("lr", "0.003"));
        long seed = Long.parseLong(options.getOrDefault("seed", "7"));
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        Files.createDirectories(out);
        Path tokenizerJson = out.resolve("tokenizer.json");
        CharTokenizerJson.write(tokenizerJson);
        LlamaConfig config = smallConfig();
        try (TextTokenizer tokenizer = TextTokenizer.load(tokenizerJson);
             LlamaModel model = LlamaModel.create(config, initialWeights(config, new Random(seed)), Device.cpu(),
                     config.maxPositions())) {
            SmallModelTrainer trainer = new SmallModelTrainer(config, tokenizer, seed);
            long start = System.nanoTime();
            trainer.train(model, steps, batch, lr);
            double minutes = (System.nanoTime() - start) / 6e10;
            double accuracy = trainer.heldOutAccuracy(model);
            System.out.printf("trained %d steps in %.1f min; held-out accuracy %.1f%%%n", steps, minutes,
                    accuracy * 100);
            Checkpoint.write(out, config, tokenizerJson, model.toTensors(), Safetensors.DType.F32, 1);
            System.out.println("wrote " + out + " digest " + new Checkpoint(out).digest());
        }
    }

    /**
     * Weights for a fresh model of any configuration: normal with standard deviation 0.02, norms at 1, drawn
     * from {@code random} alone so that they are reproducible.
     */
    public static Map<String, Safetensors.Tensor> initialWeights(LlamaConfig config, Random random) {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        LlamaModel.expectedShapes(config).forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] data = new float[(int) n];
            boolean norm = name.endsWith("norm.weight");
            for (int i = 0; i < data.length; i++) {
                data[i] = norm ? 1f : (float) (random.nextGaussian() * 0.02);
            }
            tensors.put(name, new Safetensors.Tensor(shape, data));
        });
        return tensors;
    }

    /** Trains in place and returns the loss of every step. */
    float[] train(LlamaModel model, int steps, int batch, float peakLr) {
        int warmup = Math.max(1, steps / 20);
        Optimizer adam = Adam.builder().optLearningRateTracker((Tracker) update -> {
            if (update < warmup) {
                return peakLr * (update + 1) / warmup;
            }
            double progress = (double) (update - warmup) / Math.max(1, steps - warmup);
            return (float) (peakLr * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)))));
        }).optClipGrad(1f).build();
        Map<String, NDArray> weights = model.weights();
        weights.values().forEach(w -> w.setRequiresGradient(true));
        float[] losses = new float[steps];
        for (int step = 1; step <= steps; step++) {
            float loss = step(model, adam, weights, batch);
            losses[step - 1] = loss;
            if (step % 100 == 0 || step == 1) {
                System.out.printf("step %5d  loss %.4f%n", step, loss);
            }
            if (step % 1000 == 0 && step < steps) {
                System.out.printf("step %5d  held-out accuracy %.1f%%%n", step, heldOutAccuracy(model) * 100);
                weights.values().forEach(w -> w.setRequiresGradient(true));
            }
        }
        return losses;
    }

    private float step(LlamaModel model, Optimizer adam, Map<String, NDArray> weights, int batch) {
        List<long[]> sequences = new ArrayList<>();
        List<Integer> answerStarts = new ArrayList<>();
        int length = 0;
        for (int i = 0; i < batch; i++) {
            AdditionTask.Problem p = task.trainingProblem(random);
            long[] prompt = tokenizer.encode(ChatTemplate.CHATML.render(p.messages()));
            long[] answer = tokenizer.encode(p.answer());
            long[] all = new long[prompt.length + answer.length + 1];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            System.arraycopy(answer, 0, all, prompt.length, answer.length);
            all[all.length - 1] = endOfTurn;
            sequences.add(all);
            answerStarts.add(prompt.length);
            length = Math.max(length, all.length);
        }
        int t = length - 1;
        long[] inputs = new long[batch * t];
        long[] targets = new long[batch * t];
        float[] mask = new float[batch * t];
        for (int b = 0; b < batch; b++) {
            long[] s = sequences.get(b);
            for (int i = 0; i < t; i++) {
                inputs[b * t + i] = i < s.length ? s[i] : endOfTurn;
                targets[b * t + i] = i + 1 < s.length ? s[i + 1] : endOfTurn;
                // Learn only the answer and the end of turn: the prompt is given.
                mask[b * t + i] = i + 1 >= answerStarts.get(b) && i + 1 < s.length ? 1f : 0f;
            }
        }
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray tokens = scratch.create(inputs, new Shape(batch, t));
            NDArray target = scratch.create(targets, new Shape(batch, t, 1));
            NDArray lossMask = scratch.create(mask, new Shape(batch, t));
            float value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(tokens);
                NDArray nll = logits.logSoftmax(-1).gather(target, -1).squeeze(-1).neg();
                NDArray loss = nll.mul(lossMask).sum().div(lossMask.sum());
                collector.backward(loss);
                value = loss.getFloat();
            }
            for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                NDArray gradient = e.getValue().getGradient();
                adam.update(e.getKey(), e.getValue(), gradient);
                gradient.subi(gradient);
            }
            return value;
        }
    }

    /** Greedy accuracy on the held-out problems, all decoded as one batch. */
    double heldOutAccuracy(LlamaModel model) {
        List<AdditionTask.Problem> problems = task.heldOutProblems();
        int correct = 0;
        List<String> answers = greedyBatch(model, tokenizer, problems.stream()
                .map(p -> tokenizer.encode(ChatTemplate.CHATML.render(p.messages()))).toList(), endOfTurn, 8);
        for (int i = 0; i < problems.size(); i++) {
            if (answers.get(i).equals(problems.get(i).answer())) {
                correct++;
            }
        }
        return (double) correct / problems.size();
    }

    /** Greedy decoding of several prompts together through the KV-cached forward pass. */
    static List<String> greedyBatch(LlamaModel model, TextTokenizer tokenizer, List<long[]> prompts, long stopToken,
                                    int maxTokens) {
        List<KvCache> caches = new ArrayList<>();
        List<List<Long>> generated = new ArrayList<>();
        try {
            List<LlamaModel.Chunk> chunks = new ArrayList<>();
            for (long[] prompt : prompts) {
                KvCache cache = model.newCache(prompt.length + maxTokens);
                caches.add(cache);
                generated.add(new ArrayList<>());
                chunks.add(new LlamaModel.Chunk(prompt, cache));
            }
            boolean[] done = new boolean[prompts.size()];
            for (int step = 0; step < maxTokens && !chunks.isEmpty(); step++) {
                long[] next;
                try (NDManager scratch = model.manager().newSubManager()) {
                    next = model.forward(chunks, false, scratch).argMax(-1).toType(DataType.INT64, false)
                            .toLongArray();
                }
                List<LlamaModel.Chunk> following = new ArrayList<>();
                int k = 0;
                for (int i = 0; i < prompts.size(); i++) {
                    if (done[i]) {
                        continue;
                    }
                    long token = next[k++];
                    if (token == stopToken) {
                        done[i] = true;
                    } else {
                        generated.get(i).add(token);
                        following.add(new LlamaModel.Chunk(new long[] {token}, caches.get(i)));
                    }
                }
                chunks = following;
            }
        } finally {
            caches.forEach(KvCache::close);
        }
        return generated.stream()
                .map(ids -> tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray())).toList();
    }
}
