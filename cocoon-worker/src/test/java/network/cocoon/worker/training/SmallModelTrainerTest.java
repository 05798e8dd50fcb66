package network.cocoon.worker.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.inference.checkpoint.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallModelTrainerTest {
    @Test
    void trainingIsDeterministicForASeed(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        SmallModelTrainer.main(new String[] {"--out", a.toString(), "--steps", "20", "--batch", "8", "--seed", "3"});
        SmallModelTrainer.main(new String[] {"--out", b.toString(), "--steps", "20", "--batch", "8", "--seed", "3"});
        var first = new Checkpoint(a).tensors();
        var second = new Checkpoint(b).tensors();
        assertEquals(first.keySet(), second.keySet());
        first.forEach((name, t) -> assertArrayEquals(t.data(), second.get(name).data(), 0f, name));
        assertEquals(new Checkpoint(a).digest(), new Checkpoint(b).digest());
        Safetensors.Tensor initial = SmallModelTrainer.initialWeights(SmallModelTrainer.smallConfig(),
                new java.util.Random(3)).get("model.layers.0.mlp.up_proj.weight");
        assertFalse(java.util.Arrays.equals(initial.data(), first.get("model.layers.0.mlp.up_proj.weight").data()),
                "training changed the weights");
    }

    @Test
    void heldOutProblemsAreFixedAndNeverTrainedOn() {
        Set<AdditionTask.Problem> heldOut = AdditionTask.heldOut(200);
        assertEquals(heldOut, AdditionTask.heldOut(200));
        AdditionTask task = new AdditionTask(200);
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < 20_000; i++) {
            assertTrue(!heldOut.contains(task.trainingProblem(random)));
        }
    }
}
