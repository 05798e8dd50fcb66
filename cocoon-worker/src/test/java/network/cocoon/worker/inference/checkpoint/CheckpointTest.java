package network.cocoon.worker.inference.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    static final Path MODEL = Path.of("models", "cocoon-add-tiny");

    @TempDir
    Path dir;

    @Test
    void shardedCopyHasAllTensorsAndItsOwnDigest() throws IOException {
        Checkpoint original = new Checkpoint(MODEL);
        Checkpoint copy = Checkpoint.write(dir.resolve("f32"), original.config(), original.tokenizer(),
                original.tensors(), Safetensors.DType.F32, 4);
        assertEquals(4, copy.weightFiles().size());
        assertEquals(original.tensors().keySet(), copy.tensors().keySet());
        assertNotEquals(original.digest(), copy.digest(), "the index file and shards are other files");
        assertEquals(copy.digest(), new Checkpoint(dir.resolve("f32")).digest(), "the digest is stable");
    }

    @Test
    void digestCoversEveryFile() throws IOException {
        Checkpoint original = new Checkpoint(MODEL);
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        for (String f : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            Files.copy(MODEL.resolve(f), copy.resolve(f));
        }
        String digest = new Checkpoint(copy).digest();
        assertEquals(original.digest(), digest, "the digest depends on content, not location");
        for (String f : new String[] {"config.json", "tokenizer.json", "model.safetensors"}) {
            byte[] bytes = Files.readAllBytes(copy.resolve(f));
            byte[] changed = bytes.clone();
            changed[changed.length / 2] ^= 1;
            Files.write(copy.resolve(f), changed);
            assertNotEquals(digest, new Checkpoint(copy).digest(), f);
            Files.write(copy.resolve(f), bytes);
        }
    }

    @Test
    void digestEqualsTheProtocolsGoldenVector() throws IOException {
        var vector = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Path.of("..", "docs", "vectors", "cocoon-v1-golden.json").toFile()).get("model_digest");
        Path files = dir.resolve("vector");
        Files.createDirectories(files);
        for (var file : vector.get("files_in_order")) {
            Files.write(files.resolve(file.get("name").asText()),
                    java.util.HexFormat.of().parseHex(file.get("content").asText()));
        }
        assertEquals(vector.get("digest").asText(), new Checkpoint(files).digest());
    }

    @Test
    void incompleteCheckpointsAreRefused() throws IOException {
        assertThrows(IOException.class, () -> new Checkpoint(dir).weightFiles());
        assertThrows(IOException.class, () -> new Checkpoint(dir).tokenizer());
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"weight_map\":{\"a\":\"../outside.safetensors\"}}");
        assertThrows(IOException.class, () -> new Checkpoint(dir).weightFiles());
    }
}
