package network.cocoon.worker.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.testing.LocalWorker;
import network.cocoon.worker.training.AdditionTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model directory changing under a worker (documented in docs/operators.md). A running worker holds its
 * weights, tokenizer and template in memory from the load, and its attested digest is of what it loaded: changing,
 * corrupting or deleting the files changes nothing it serves. A directory that changes while it is being loaded is
 * refused (hashed before and after). A worker started again on changed files attests their new digest, which a
 * client pinned to the old one refuses; corrupt files stop the start with the file's name.
 */
class ModelDirectoryChangeTest {
    static final Path BUNDLED = Path.of("models", "cocoon-add-tiny");
    static final EngineSettings SETTINGS = new EngineSettings("cpu", null, null, 4, 16, 256);
    static final List<AdditionTask.Problem> PROBLEMS = new AdditionTask(8).heldOutProblems().subList(0, 8);

    @TempDir
    Path dir;

    Path copy() throws IOException {
        Path model = dir.resolve("cocoon-add-tiny");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(BUNDLED)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        return model;
    }

    static String ask(CocoonClient client, AdditionTask.Problem p) {
        return client.chat(ChatRequest.builder().user(p.prompt()).maxTokens(8).temperature(0).build()).content();
    }

    /** Flips one byte in the middle of the weights: still a valid checkpoint, another model. */
    static void flipAWeightByte(Path model) throws IOException {
        Path weights = model.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(weights, bytes);
    }

    @Test
    void aRunningWorkerServesWhatItLoadedWhateverHappensToTheFiles() throws Exception {
        Path model = copy();
        String digest = new Checkpoint(model).digest();
        try (LocalWorker worker = new LocalWorker(DjlEngine.load(new Checkpoint(model), SETTINGS));
             CocoonClient client = CocoonClient.builder().endpoint(worker.server.endpoint())
                     .policy(worker.policy().allowModel(digest).build()).build()) {
            List<String> before = PROBLEMS.stream().map(p -> ask(client, p)).toList();
            flipAWeightByte(model);
            Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
            Files.delete(model.resolve("tokenizer.json"));
            Files.writeString(model.resolve("config.json"), "{\"not\": \"a config\"}");
            assertEquals(before, PROBLEMS.stream().map(p -> ask(client, p)).toList(), "the same answers");
            try (CocoonClient fresh = CocoonClient.builder().endpoint(worker.server.endpoint())
                    .policy(worker.policy().allowModel(digest).build()).build()) {
                assertEquals(digest, fresh.verifyWorker().document().model().digest(), "the digest of what runs");
            }
        }
    }

    @Test
    void aRestartOnChangedWeightsAttestsTheirNewDigestWhichAPinnedClientRefuses() throws Exception {
        Path model = copy();
        String digest = new Checkpoint(model).digest();
        flipAWeightByte(model);
        try (LocalWorker worker = new LocalWorker(DjlEngine.load(new Checkpoint(model), SETTINGS));
             CocoonClient pinned = CocoonClient.builder().endpoint(worker.server.endpoint())
                     .policy(worker.policy().allowModel(digest).build()).build()) {
            assertNotEquals(digest, worker.engine.model().digest());
            AttestationException e = assertThrows(AttestationException.class, () -> ask(pinned, PROBLEMS.get(0)));
            assertEquals(AttestationException.Reason.MODEL_NOT_ALLOWED, e.reason());
        }
    }

    @Test
    void aRestartOnCorruptFilesStopsWithTheFilesName() throws Exception {
        Path model = copy();
        Files.write(model.resolve("model.safetensors"), new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class, () -> DjlEngine.load(new Checkpoint(model), SETTINGS));
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void aDirectoryChangedDuringTheLoadIsRefused() throws Exception {
        Path model = copy();
        AtomicBoolean changed = new AtomicBoolean();
        LoadProgress changeOnceReading = (stage, done, total) -> {
            if (stage.equals("reading") && changed.compareAndSet(false, true)) {
                try {
                    flipAWeightByte(model);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        };
        IOException e = assertThrows(IOException.class,
                () -> DjlEngine.load(new Checkpoint(model), SETTINGS, changeOnceReading));
        assertTrue(changed.get());
        assertEquals("the model directory changed while it was being loaded; load it again", e.getMessage());
    }
}
