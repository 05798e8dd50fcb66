package network.cocoon.worker.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import network.cocoon.worker.inference.checkpoint.Safetensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The forward pass on random weights: the KV-cached path must equal the full recomputation. */
class LlamaModelTest {
    /** Largest absolute logit difference accepted between the cached and uncached paths (float32). */
    static final float TOLERANCE = 1e-4f;

    static List<LlamaConfig> configs() {
        return List.of(
                // GQA 6/2, tied embeddings: the shape of Cocoon's small model.
                new LlamaConfig(96, 3, 6, 2, 16, 256, 48, 1e-5, 10_000, null, 64, true, LlamaConfig.Biases.NONE,
                        HiddenActivation.SILU, List.of(1L), null),
                // Qwen2-like: q/k/v biases, untied head, Llama 3 rope scaling, 4/1 heads.
                new LlamaConfig(64, 2, 4, 1, 16, 128, 50, 1e-6, 500_000,
                        new LlamaConfig.RopeScaling("llama3", 8, 1, 4, 32), 128, false, LlamaConfig.Biases.QWEN2,
                        HiddenActivation.GELU_TANH, List.of(2L), null),
                // Llama with every bias (attention_bias and mlp_bias) and exact GELU.
                new LlamaConfig(64, 2, 4, 2, 16, 96, 40, 1e-5, 10_000, new LlamaConfig.RopeScaling("linear", 2, 1, 1, 0),
                        64, true, new LlamaConfig.Biases(true, true, true), HiddenActivation.GELU, List.of(2L), null));
    }

    static Map<String, Safetensors.Tensor> randomWeights(LlamaConfig config, long seed) {
        Random random = new Random(seed);
        Map<String, Safetensors.Tensor> tensors = new java.util.LinkedHashMap<>();
        LlamaModel.expectedShapes(config).forEach((name, shape) -> {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] data = new float[(int) n];
            for (int i = 0; i < data.length; i++) {
                data[i] = name.endsWith("norm.weight") ? 1f + 0.1f * (float) random.nextGaussian()
                        : (float) (random.nextGaussian() * 0.1);
            }
            tensors.put(name, new Safetensors.Tensor(shape, data));
        });
        return tensors;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void cachedLogitsEqualFullRecomputation(LlamaConfig config) throws IOException {
        try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 1), Device.cpu(), 64)) {
            long[] tokens = new Random(2).longs(20, 0, config.vocabSize()).toArray();
            float[] full;
            try (NDManager scratch = model.manager().newSubManager()) {
                full = model.forward(scratch.create(tokens, new Shape(1, tokens.length))).toFloatArray();
            }
            int vocab = config.vocabSize();
            // Prefill 7 tokens in one chunk, then decode the rest one at a time.
            try (KvCache cache = model.newCache(tokens.length)) {
                float[] prefill = run(model, List.of(new LlamaModel.Chunk(java.util.Arrays.copyOf(tokens, 7), cache)),
                        true);
                assertClose(java.util.Arrays.copyOf(full, 7 * vocab), prefill);
                for (int i = 7; i < tokens.length; i++) {
                    float[] step = run(model, List.of(new LlamaModel.Chunk(new long[] {tokens[i]}, cache)), false);
                    assertClose(java.util.Arrays.copyOfRange(full, i * vocab, (i + 1) * vocab), step);
                }
                assertEquals(tokens.length, cache.length());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sequencesInOneBatchDoNotSeeEachOther(LlamaConfig config) throws IOException {
        try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 3), Device.cpu(), 64)) {
            long[] a = {3, 4, 5, 6, 7};
            long[] b = {9, 8};
            float[] aloneA;
            float[] aloneB;
            try (KvCache ca = model.newCache(8); KvCache cb = model.newCache(8)) {
                aloneA = run(model, List.of(new LlamaModel.Chunk(a, ca)), false);
                aloneB = run(model, List.of(new LlamaModel.Chunk(b, cb)), false);
            }
            try (KvCache ca = model.newCache(8); KvCache cb = model.newCache(8)) {
                float[] together = run(model, List.of(new LlamaModel.Chunk(a, ca), new LlamaModel.Chunk(b, cb)), false);
                int vocab = config.vocabSize();
                assertClose(aloneA, java.util.Arrays.copyOf(together, vocab));
                assertClose(aloneB, java.util.Arrays.copyOfRange(together, vocab, 2 * vocab));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void weightsRoundTripAndShapesAreChecked(LlamaConfig config) throws IOException {
        Map<String, Safetensors.Tensor> weights = randomWeights(config, 4);
        try (LlamaModel model = LlamaModel.create(config, weights, Device.cpu(), 64)) {
            Map<String, Safetensors.Tensor> back = model.toTensors();
            weights.forEach((name, t) -> assertArrayEquals(t.data(), back.get(name).data(), 0f, name));
        }
        var missing = new java.util.LinkedHashMap<>(weights);
        missing.remove("model.norm.weight");
        assertTrue(assertThrows(IOException.class, () -> LlamaModel.create(config, missing, Device.cpu(), 64))
                .getMessage().contains("model.norm.weight"));
        var wrong = new java.util.LinkedHashMap<>(weights);
        wrong.put("model.norm.weight", new Safetensors.Tensor(new long[] {3}, new float[3]));
        assertThrows(IOException.class, () -> LlamaModel.create(config, wrong, Device.cpu(), 64));
    }

    private static float[] run(LlamaModel model, List<LlamaModel.Chunk> chunks, boolean all) {
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray logits = model.forward(chunks, all, scratch);
            return logits.toFloatArray();
        }
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= TOLERANCE, "max |difference| " + worst + " > " + TOLERANCE);
    }
}
