package network.cocoon.worker.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.inference.llama.LlamaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training is reproducible for a seed: its inputs exactly, and the trainer's output files byte for byte. */
class SmallModelTrainerTest {
    static final int STEPS = 20;

    @TempDir
    Path dir;

    @Test
    void theInputsOfTrainingAreExactForASeed() {
        LlamaConfig config = SmallModelTrainer.smallConfig();
        var first = SmallModelTrainer.initialWeights(config, new Random(3));
        var second = SmallModelTrainer.initialWeights(config, new Random(3));
        first.forEach((name, t) -> assertArrayEquals(t.data(), second.get(name).data(), 0f, name));
        var other = SmallModelTrainer.initialWeights(config, new Random(4)).get("model.embed_tokens.weight");
        assertFalse(java.util.Arrays.equals(other.data(), first.get("model.embed_tokens.weight").data()));
        AdditionTask task = new AdditionTask(200);
        Random a = new Random(3);
        Random b = new Random(3);
        for (int i = 0; i < 1_000; i++) {
            assertEquals(task.trainingProblem(a), task.trainingProblem(b));
        }
    }

    /**
     * Runs the trainer as a program, in a JVM of its own, as a user would, on one PyTorch thread: with two, one CI
     * run on an Intel Xeon host once trained weights that differed in their last bits.
     */
    Path trainInChildJvm(String name) throws Exception {
        Path out = dir.resolve(name);
        String javaBinary = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(javaBinary, "-Doffline=true", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-cp", System.getProperty("java.class.path"), SmallModelTrainer.class.getName(),
                "--out", out.toString(), "--steps", String.valueOf(STEPS), "--batch", "8", "--seed", "3")
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        assertTrue(process.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "trainer finished");
        assertEquals(0, process.exitValue(), java.nio.file.Files.readString(dir.resolve(name + ".log")));
        return out;
    }

    @Test
    void theTrainerIsBitForBitReproducibleForASeed() throws Exception {
        Path first = trainInChildJvm("first");
        Path second = trainInChildJvm("second");
        for (String file : List.of("config.json", "tokenizer.json", "model.safetensors")) {
            assertArrayEquals(java.nio.file.Files.readAllBytes(first.resolve(file)),
                    java.nio.file.Files.readAllBytes(second.resolve(file)), file);
        }
        assertEquals(new Checkpoint(first).digest(), new Checkpoint(second).digest());
        var initial = SmallModelTrainer.initialWeights(SmallModelTrainer.smallConfig(), new Random(3));
        var trained = new Checkpoint(first).tensors();
        assertFalse(java.util.Arrays.equals(initial.get("model.layers.0.mlp.up_proj.weight").data(),
                trained.get("model.layers.0.mlp.up_proj.weight").data()), "training changed the weights");
    }

    @Test
    void theTrainerWritesALoadableCheckpoint() throws Exception {
        Path out = dir.resolve("model");
        SmallModelTrainer.main(new String[] {"--out", out.toString(), "--steps", "2", "--batch", "4", "--seed", "3"});
        Checkpoint checkpoint = new Checkpoint(out);
        assertEquals(SmallModelTrainer.smallConfig().hiddenSize(), checkpoint.config().hiddenSize());
        assertEquals(64, checkpoint.digest().length());
    }

    @Test
    void heldOutProblemsAreFixedAndNeverTrainedOn() {
        Set<AdditionTask.Problem> heldOut = AdditionTask.heldOut(200);
        assertEquals(heldOut, AdditionTask.heldOut(200));
        AdditionTask task = new AdditionTask(200);
        Random random = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            assertTrue(!heldOut.contains(task.trainingProblem(random)));
        }
    }
}
