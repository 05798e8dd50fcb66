package network.cocoon.worker.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine against Hugging Face transformers' own logits (float32, eager attention) on small random
 * checkpoints, one per supported config feature. {@code src/test/scripts/golden_logits.py} made the fixtures.
 */
class GoldenLogitsTest {
    static final Path FIXTURES = Path.of("src", "test", "resources", "golden-logits");
    static final float TOLERANCE = 1e-4f;

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> dirs = Files.list(FIXTURES)) {
            List<String> names = dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.size() >= 12, "fixtures missing: " + names);
            return names.stream();
        }
    }

    record Golden(long[] prompt, float[][] logits, long[] greedy) {
        static Golden read(Path file) throws IOException {
            JsonNode g = new ObjectMapper().readTree(file.toFile());
            long[] prompt = longs(g.get("prompt"));
            float[][] logits = new float[g.get("logits").size()][];
            for (int i = 0; i < logits.length; i++) {
                JsonNode row = g.get("logits").get(i);
                logits[i] = new float[row.size()];
                for (int j = 0; j < row.size(); j++) {
                    logits[i][j] = (float) row.get(j).asDouble();
                }
            }
            return new Golden(prompt, logits, longs(g.get("greedy")));
        }

        private static long[] longs(JsonNode array) {
            long[] out = new long[array.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = array.get(i).asLong();
            }
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void logitsAtEveryPositionAndGreedyTokensMatchTransformers(String name) throws IOException {
        Path dir = FIXTURES.resolve(name);
        Golden golden = Golden.read(dir.resolve("golden.json"));
        Checkpoint checkpoint = new Checkpoint(dir);
        LlamaConfig config = checkpoint.config();
        int vocab = config.vocabSize();
        try (LlamaModel model = LlamaModel.create(config, checkpoint.tensors(), Device.cpu(), 64)) {
            // The training path: no cache, every position at once.
            float[] full;
            try (NDManager scratch = model.manager().newSubManager()) {
                full = model.forward(scratch.create(golden.prompt(), new Shape(1, golden.prompt().length)))
                        .toFloatArray();
            }
            for (int pos = 0; pos < golden.prompt().length; pos++) {
                assertClose(golden.logits()[pos], full, pos * vocab, name + " position " + pos + " (full)");
            }
            // The serving path: prefill into a KV cache, then greedy decoding one token at a time.
            try (KvCache cache = model.newCache(golden.prompt().length + golden.greedy().length);
                 NDManager scratch = model.manager().newSubManager()) {
                float[] prefill = model.forward(List.of(new LlamaModel.Chunk(golden.prompt(), cache)), true, scratch)
                        .toFloatArray();
                for (int pos = 0; pos < golden.prompt().length; pos++) {
                    assertClose(golden.logits()[pos], prefill, pos * vocab, name + " position " + pos + " (cached)");
                }
                long[] greedy = new long[golden.greedy().length];
                float[] last = java.util.Arrays.copyOfRange(prefill, prefill.length - vocab, prefill.length);
                for (int i = 0; i < greedy.length; i++) {
                    greedy[i] = argmax(last);
                    if (i + 1 < greedy.length) {
                        last = model.forward(List.of(new LlamaModel.Chunk(new long[] {greedy[i]}, cache)), false,
                                scratch).toFloatArray();
                    }
                }
                assertArrayEquals(golden.greedy(), greedy, name + ": greedy continuation");
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, int offset, String where) {
        float worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[offset + i]));
        }
        assertTrue(worst <= TOLERANCE, where + ": max |logit difference| " + worst);
    }

    private static long argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    @org.junit.jupiter.api.Test
    void theEngineRefusesATensorItWouldIgnore() throws IOException {
        Checkpoint checkpoint = new Checkpoint(FIXTURES.resolve("llama-biases-gelu-tanh"));
        LlamaConfig withoutOutputBias = new LlamaConfig(64, 2, 4, 2, 16, 80, 64, 1e-5, 10_000, null, 64, false,
                LlamaConfig.Biases.QWEN2, HiddenActivation.GELU_TANH, List.of(2L), null);
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> LlamaModel.create(withoutOutputBias, checkpoint.tensors(), Device.cpu(), 64));
        assertTrue(e.getMessage().contains("does not use"), e.getMessage());
        assertEquals(LlamaConfig.Biases.QWEN2, withoutOutputBias.biases());
    }
}
