package network.cocoon.worker.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
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
import org.junit.jupiter.api.Test;
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

    @ParameterizedTest
    @MethodSource("configs")
    void batchedDecodeOfUnequalSequencesEqualsEachAlone(LlamaConfig config) throws IOException {
        try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 5), Device.cpu(), 64)) {
            Random random = new Random(6);
            int[] promptLengths = {1, 9, 4, 13};
            long[][] prompts = new long[promptLengths.length][];
            for (int i = 0; i < prompts.length; i++) {
                prompts[i] = random.longs(promptLengths[i], 0, config.vocabSize()).toArray();
            }
            long[][] next = new long[prompts.length][3];
            for (long[] n : next) {
                for (int j = 0; j < n.length; j++) {
                    n[j] = random.nextInt(config.vocabSize());
                }
            }
            int vocab = config.vocabSize();
            float[][][] alone = new float[prompts.length][3][];
            for (int i = 0; i < prompts.length; i++) {
                try (KvCache cache = model.newCache(20)) {
                    run(model, List.of(new LlamaModel.Chunk(prompts[i], cache)), false);
                    for (int j = 0; j < 3; j++) {
                        alone[i][j] = run(model, List.of(new LlamaModel.Chunk(new long[] {next[i][j]}, cache)), false);
                    }
                }
            }
            List<KvCache> caches = new java.util.ArrayList<>();
            try {
                for (long[] prompt : prompts) {
                    KvCache cache = model.newCache(20);
                    caches.add(cache);
                    run(model, List.of(new LlamaModel.Chunk(prompt, cache)), false);
                }
                for (int j = 0; j < 3; j++) {
                    List<LlamaModel.Chunk> step = new java.util.ArrayList<>();
                    for (int i = 0; i < prompts.length; i++) {
                        step.add(new LlamaModel.Chunk(new long[] {next[i][j]}, caches.get(i)));
                    }
                    float[] together = run(model, step, false);
                    for (int i = 0; i < prompts.length; i++) {
                        assertClose(alone[i][j], java.util.Arrays.copyOfRange(together, i * vocab, (i + 1) * vocab));
                    }
                }
            } finally {
                caches.forEach(KvCache::close);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void promptsAndDecodesMixedInAnyOrderKeepTheCallersRowOrder(LlamaConfig config) throws IOException {
        try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 7), Device.cpu(), 64)) {
            long[] a = {3, 4, 5};
            long[] b = {9, 8, 7, 6};
            long[] c = {11};
            int vocab = config.vocabSize();
            float[] aloneA;
            float[] aloneB;
            float[] aloneC;
            try (KvCache ca = model.newCache(8); KvCache cb = model.newCache(8); KvCache cc = model.newCache(8)) {
                run(model, List.of(new LlamaModel.Chunk(new long[] {1, 2}, ca)), false);
                aloneA = run(model, List.of(new LlamaModel.Chunk(a, ca)), true);
                aloneB = run(model, List.of(new LlamaModel.Chunk(b, cb)), true);
                run(model, List.of(new LlamaModel.Chunk(new long[] {5, 6, 7}, cc)), false);
                aloneC = run(model, List.of(new LlamaModel.Chunk(c, cc)), true);
            }
            try (KvCache ca = model.newCache(8); KvCache cb = model.newCache(8); KvCache cc = model.newCache(8)) {
                run(model, List.of(new LlamaModel.Chunk(new long[] {1, 2}, ca),
                        new LlamaModel.Chunk(new long[] {5, 6, 7}, cc)), false);
                // A decode between two prompts: rows come back as given, however they run inside.
                float[] together = run(model, List.of(new LlamaModel.Chunk(a, ca), new LlamaModel.Chunk(c, cc),
                        new LlamaModel.Chunk(b, cb)), true);
                assertClose(aloneA, java.util.Arrays.copyOfRange(together, 0, 3 * vocab));
                assertClose(aloneC, java.util.Arrays.copyOfRange(together, 3 * vocab, 4 * vocab));
                assertClose(aloneB, java.util.Arrays.copyOfRange(together, 4 * vocab, 8 * vocab));
            }
        }
    }

    /**
     * Caches are read in whole blocks, padding masked; a mask cannot hide a non-finite value, so what an earlier
     * sequence left in a block (here: NaN in every slot but the padding block) must never be read by the next.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void whatAnEarlierSequenceLeftInTheCacheNeverReachesTheNext(LlamaConfig config) throws IOException {
        try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 9), Device.cpu(), 64)) {
            long[] tokens = new Random(10).longs(37, 0, config.vocabSize()).toArray();
            long[] other = java.util.Arrays.copyOf(tokens, 5);
            float[] full;
            try (NDManager scratch = model.manager().newSubManager()) {
                full = model.forward(scratch.create(tokens, new Shape(1, tokens.length))).toFloatArray();
            }
            try (KvCache earlier = model.newCache(tokens.length)) {
                run(model, List.of(new LlamaModel.Chunk(tokens, earlier)), false);
            }
            poisonEverySlotButThePadding(model);
            int vocab = config.vocabSize();
            // Prompts ending inside a block, at its end, and decoding across two block boundaries, batched with a
            // shorter sequence so that both are padded.
            try (KvCache cache = model.newCache(tokens.length); KvCache shorter = model.newCache(tokens.length)) {
                run(model, List.of(new LlamaModel.Chunk(java.util.Arrays.copyOf(tokens, 11), cache),
                        new LlamaModel.Chunk(other, shorter)), false);
                float[] chunk = run(model, List.of(new LlamaModel.Chunk(
                        java.util.Arrays.copyOfRange(tokens, 11, 16), cache)), true);
                assertClose(java.util.Arrays.copyOfRange(full, 11 * vocab, 16 * vocab), chunk);
                for (int i = 16; i < tokens.length; i++) {
                    List<LlamaModel.Chunk> step = new java.util.ArrayList<>();
                    step.add(new LlamaModel.Chunk(new long[] {tokens[i]}, cache));
                    // Six positions behind: from position 32 on it needs a block less than `cache`.
                    step.add(new LlamaModel.Chunk(new long[] {1}, shorter));
                    float[] logits = run(model, step, false);
                    assertClose(java.util.Arrays.copyOfRange(full, i * vocab, (i + 1) * vocab),
                            java.util.Arrays.copyOf(logits, vocab));
                    for (float v : logits) {
                        assertTrue(Float.isFinite(v), "finite logits for both sequences");
                    }
                }
            }
        }
    }

    private static void poisonEverySlotButThePadding(LlamaModel model) {
        KvPool pool = model.kvPool();
        LlamaConfig c = model.config();
        try (NDManager scratch = model.manager().newSubManager()) {
            for (int layer = 0; layer < c.layers(); layer++) {
                NDArray heads = pool.rows(layer).reshape(2L * c.kvHeads(), pool.positions(), c.headDim());
                heads.attach(scratch);
                heads.set(new ai.djl.ndarray.index.NDIndex(":, " + KvPool.BLOCK + ":"), Float.NaN);
            }
        }
    }

    @Test
    void slotsReturnedByOneSequenceServeTheNextAndThePoolGrowsWithoutLosingKeys() throws IOException {
        LlamaConfig config = configs().get(0);
        try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 8), Device.cpu(), 64)) {
            long[] prompt = {1, 2, 3, 4, 5};
            float[] reference;
            try (KvCache cache = model.newCache(8)) {
                run(model, List.of(new LlamaModel.Chunk(prompt, cache)), false);
                reference = run(model, List.of(new LlamaModel.Chunk(new long[] {6}, cache)), false);
            }
            try (KvCache reused = model.newCache(8)) {
                run(model, List.of(new LlamaModel.Chunk(prompt, reused)), false);
                int before = model.kvPoolPositions();
                // Reserve more than the pool holds: it doubles (at least), copying what `reused` wrote.
                List<KvCache> filler = new java.util.ArrayList<>();
                for (int i = 0; i < before / 64 + 1; i++) {
                    filler.add(model.newCache(64));
                }
                assertTrue(model.kvPoolPositions() > before, "pool grew");
                assertClose(reference, run(model, List.of(new LlamaModel.Chunk(new long[] {6}, reused)), false));
                filler.forEach(KvCache::close);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void float16WeightsStayCloseToFloat32(LlamaConfig config) throws IOException {
        Map<String, Safetensors.Tensor> weights = randomWeights(config, 9);
        long[] tokens = new Random(10).longs(12, 0, config.vocabSize()).toArray();
        float[] exact = logitsIn(WeightPrecision.FLOAT32, config, weights, tokens, model -> { });
        float[] half = logitsIn(WeightPrecision.FLOAT16, config, weights, tokens, model ->
                assertEquals(ai.djl.ndarray.types.DataType.FLOAT16,
                        model.weights().get("model.embed_tokens.weight").getDataType()));
        // float16 keeps 11 significant bits; through a few layers the logits move by well under 1% of their range.
        assertMovedWithin(exact, half, 0.01f, "float16");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void bfloat16WeightsStayCloseToFloat32(LlamaConfig config) throws IOException {
        Map<String, Safetensors.Tensor> weights = randomWeights(config, 9);
        long[] tokens = new Random(10).longs(12, 0, config.vocabSize()).toArray();
        float[] exact = logitsIn(WeightPrecision.FLOAT32, config, weights, tokens, model -> { });
        float[] brain = logitsIn(WeightPrecision.BFLOAT16, config, weights, tokens, model -> {
            // Stored as the checkpoint's values rounded to bfloat16 (DJL reads the type as UNKNOWN).
            float[] stored = model.weights().get("model.layers.0.self_attn.qkv_proj.weight")
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            float[] original = weights.get("model.layers.0.self_attn.q_proj.weight").data();
            for (int i = 0; i < original.length; i++) {
                assertEquals(network.cocoon.worker.inference.torchscript.Bfloat16OpsTest.roundToBfloat16(original[i]),
                        stored[i], 0f, "weight " + i);
            }
        });
        // bfloat16 keeps 8 significant bits (weights, and each product's input and output): through a few
        // layers the logits move by about 1% of their range here (0.9-1.1%, against float16's 0.1-0.2%).
        assertMovedWithin(exact, brain, 0.04f, "bfloat16");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void int8WeightsStayCloseToFloat32(LlamaConfig config) throws IOException {
        Map<String, Safetensors.Tensor> weights = randomWeights(config, 9);
        // 12 prompt tokens run the int8 kernel; 24 run the widened float32 product (more than 16 rows).
        for (int promptLength : new int[] {12, LlamaModel.INT8_KERNEL_MAX_ROWS + 8}) {
            long[] tokens = new Random(10).longs(promptLength, 0, config.vocabSize()).toArray();
            float[] exact = logitsIn(WeightPrecision.FLOAT32, config, weights, tokens, model -> { });
            float[] quantized = logitsIn(WeightPrecision.INT8, config, weights, tokens, model -> {
                // toTensors gives back exactly what Int8Rows made of the checkpoint.
                String name = "model.layers.0.self_attn.q_proj.weight";
                Safetensors.Tensor original = weights.get(name);
                Int8Rows q = Int8Rows.quantize(name, original.data(), (int) original.shape()[0],
                        (int) original.shape()[1]);
                float[] stored = model.toTensors().get(name).data();
                int columns = (int) original.shape()[1];
                for (int i = 0; i < stored.length; i++) {
                    assertEquals(q.values()[i] * q.scales()[i / columns], stored[i], 0f, "weight " + i);
                }
            });
            // Random weights are the hard case for row-wise int8 (no structure, Gaussian tails), and the kernel
            // also rounds through bfloat16: the logits move by 1.8-3.2% of their range here.
            assertMovedWithin(exact, quantized, 0.06f, "int8, " + promptLength + " tokens");
        }
    }

    @Test
    void int8RefusesMatricesWhoseInputIsNotAMultipleOfSixteen() {
        // Hidden size 40 (2 heads of 20): the first matrix, the embedding table, has 40 columns.
        LlamaConfig config = new LlamaConfig(40, 1, 2, 1, 20, 64, 48, 1e-5, 10_000, null, 64, true,
                LlamaConfig.Biases.NONE, HiddenActivation.SILU, List.of(1L), null);
        Map<String, Safetensors.Tensor> weights = randomWeights(config, 11);
        IOException e = assertThrows(IOException.class, () -> LlamaModel.create(config, weights, Device.cpu(), 64,
                WeightPrecision.INT8, network.cocoon.worker.inference.LoadProgress.NONE));
        assertTrue(e.getMessage().contains("40 columns") && e.getMessage().contains("multiple of 16"), e.getMessage());
        // The same checkpoint loads in bfloat16, which has no such constraint.
        assertDoesNotThrow(() -> LlamaModel.create(config, weights, Device.cpu(), 64, WeightPrecision.BFLOAT16,
                network.cocoon.worker.inference.LoadProgress.NONE).close());
    }

    @Test
    void float16RefusesWeightsBeyondItsRange() {
        LlamaConfig config = configs().get(0);
        Map<String, Safetensors.Tensor> weights = new java.util.LinkedHashMap<>(randomWeights(config, 11));
        Safetensors.Tensor v = weights.get("model.layers.1.self_attn.v_proj.weight");
        float[] data = v.data().clone();
        data[3] = 70_000f;
        weights.put("model.layers.1.self_attn.v_proj.weight", new Safetensors.Tensor(v.shape(), data));
        IOException e = assertThrows(IOException.class, () -> LlamaModel.create(config, weights, Device.cpu(), 64,
                WeightPrecision.FLOAT16, network.cocoon.worker.inference.LoadProgress.NONE));
        assertTrue(e.getMessage().contains("model.layers.1.self_attn.qkv_proj.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("float16"), e.getMessage());
    }

    @Test
    void aDecodeStepRunsAsManyOperationsForSixteenSequencesAsForOne() throws IOException {
        LlamaConfig config = configs().get(0);
        try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 12), Device.cpu(), 64)) {
            for (boolean weightTimesRows : new boolean[] {false, true}) {
                // The plan timed at load may differ between 1 and 16 rows; each way has a fixed count of its own.
                model.useProductPlan(ProductPlan.uniform(weightTimesRows));
                assertEquals(tensorsPerDecodeStep(model, 1), tensorsPerDecodeStep(model, 16));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void eitherWayOfMultiplyingGivesTheSameDecodeLogits(LlamaConfig config) throws IOException {
        // Whichever way the load's timing picks, a batch's logits are the same up to summation order.
        float[][] logits = new float[2][];
        for (int way = 0; way < 2; way++) {
            try (LlamaModel model = LlamaModel.create(config, randomWeights(config, 13), Device.cpu(), 64)) {
                model.useProductPlan(ProductPlan.uniform(way == 1));
                List<KvCache> caches = new java.util.ArrayList<>();
                try {
                    List<LlamaModel.Chunk> prompts = new java.util.ArrayList<>();
                    for (int i = 0; i < 4; i++) {
                        KvCache cache = model.newCache(16);
                        caches.add(cache);
                        prompts.add(new LlamaModel.Chunk(new long[] {1 + i, 2, 3}, cache));
                    }
                    run(model, prompts, false);
                    List<LlamaModel.Chunk> step = new java.util.ArrayList<>();
                    for (KvCache cache : caches) {
                        step.add(new LlamaModel.Chunk(new long[] {5}, cache));
                    }
                    try (NDManager scratch = model.manager().newSubManager()) {
                        logits[way] = model.forward(step, false, scratch).toFloatArray();
                    }
                } finally {
                    caches.forEach(KvCache::close);
                }
            }
        }
        assertEquals(logits[0].length, logits[1].length);
        for (int i = 0; i < logits[0].length; i++) {
            assertEquals(logits[0][i], logits[1][i], 1e-4f * Math.max(1f, Math.abs(logits[0][i])), "logit " + i);
        }
    }

    /** Tensors a decode step leaves in its scratch manager: one per operation result or uploaded index. */
    static int tensorsPerDecodeStep(LlamaModel model, int batch) {
        List<KvCache> caches = new java.util.ArrayList<>();
        try {
            List<LlamaModel.Chunk> prompts = new java.util.ArrayList<>();
            for (int i = 0; i < batch; i++) {
                KvCache cache = model.newCache(8);
                caches.add(cache);
                prompts.add(new LlamaModel.Chunk(new long[] {1, 2, 3 + i % 3}, cache));
            }
            run(model, prompts, false);
            List<LlamaModel.Chunk> step = new java.util.ArrayList<>();
            for (KvCache cache : caches) {
                step.add(new LlamaModel.Chunk(new long[] {4}, cache));
            }
            try (NDManager scratch = model.manager().newSubManager()) {
                model.forward(step, false, scratch);
                return scratch.getManagedArrays().size();
            }
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    /**
     * A 12-token prompt's logits at every position (more rows than half-precision products take: the weights
     * are widened) followed by three single-token steps (half-precision products).
     */
    /**
     * Asserts that {@code approximate} differs from {@code exact} somewhere (the precision took effect) and
     * nowhere by more than {@code share} of the largest exact logit's magnitude.
     */
    private static void assertMovedWithin(float[] exact, float[] approximate, float share, String what) {
        float worst = 0;
        float scale = 0;
        for (int i = 0; i < exact.length; i++) {
            worst = Math.max(worst, Math.abs(exact[i] - approximate[i]));
            scale = Math.max(scale, Math.abs(exact[i]));
        }
        assertTrue(worst <= share * scale, what + ": max |difference| " + worst + " against logits up to " + scale);
        assertTrue(worst > 0, what + " moved no logit: the weights kept float32");
    }

    /** {@link #logitsOfEveryPosition} with the weights in {@code precision}, after {@code inspect} saw the model. */
    private static float[] logitsIn(WeightPrecision precision, LlamaConfig config,
                                    Map<String, Safetensors.Tensor> weights, long[] tokens,
                                    ModelCheck inspect) throws IOException {
        try (LlamaModel model = LlamaModel.create(config, weights, Device.cpu(), 64, precision,
                network.cocoon.worker.inference.LoadProgress.NONE)) {
            inspect.check(model);
            return logitsOfEveryPosition(model, tokens);
        }
    }

    /** A look at a loaded model before it runs; may read its weights back (which can throw). */
    private interface ModelCheck {
        void check(LlamaModel model) throws IOException;
    }

    private static float[] logitsOfEveryPosition(LlamaModel model, long[] tokens) {
        assertTrue(tokens.length > LlamaModel.HALF_PRECISION_MAX_ROWS);
        try (KvCache cache = model.newCache(tokens.length + 3)) {
            float[] prompt = run(model, List.of(new LlamaModel.Chunk(tokens, cache)), true);
            int vocab = model.config().vocabSize();
            float[] out = java.util.Arrays.copyOf(prompt, prompt.length + 3 * vocab);
            for (int i = 0; i < 3; i++) {
                float[] step = run(model, List.of(new LlamaModel.Chunk(new long[] {tokens[i]}, cache)), false);
                System.arraycopy(step, 0, out, prompt.length + i * vocab, vocab);
            }
            return out;
        }
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
