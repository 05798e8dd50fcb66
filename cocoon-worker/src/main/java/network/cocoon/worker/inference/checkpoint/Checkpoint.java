package network.cocoon.worker.inference.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import network.cocoon.worker.inference.LoadProgress;
import java.util.stream.Stream;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.protocol.CanonicalEncoder;
import network.cocoon.worker.inference.llama.LlamaConfig;

/**
 * A Hugging Face checkpoint directory: {@code config.json}, {@code tokenizer.json} and either
 * {@code model.safetensors} or shards listed in {@code model.safetensors.index.json}.
 */
public final class Checkpoint {
    /** Label of the model digest encoding. */
    public static final String DIGEST_LABEL = "cocoon/v1 model";
    private static final String INDEX = "model.safetensors.index.json";
    private static final String SINGLE = "model.safetensors";

    private final Path directory;

    /** A checkpoint in {@code directory}; nothing is read yet. */
    public Checkpoint(Path directory) {
        this.directory = directory;
    }

    /** The directory. */
    public Path directory() {
        return directory;
    }

    /** The parsed {@code config.json}. */
    public LlamaConfig config() throws IOException {
        return LlamaConfig.read(directory.resolve("config.json"));
    }

    /** The path of {@code tokenizer.json}. */
    public Path tokenizer() throws IOException {
        Path path = directory.resolve("tokenizer.json");
        if (!Files.isRegularFile(path)) {
            throw new IOException(directory + " has no tokenizer.json");
        }
        return path;
    }

    /** The weight files, in name order. */
    public List<Path> weightFiles() throws IOException {
        Path index = directory.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            JsonNode map = new ObjectMapper().readTree(Files.readAllBytes(index)).get("weight_map");
            if (map == null) {
                throw new IOException(index + " has no weight_map");
            }
            TreeSet<String> files = new TreeSet<>();
            map.elements().forEachRemaining(n -> files.add(n.asText()));
            List<Path> out = new ArrayList<>();
            for (String f : files) {
                Path p = directory.resolve(f).normalize();
                if (!p.getParent().equals(directory.normalize()) || !Files.isRegularFile(p)) {
                    throw new IOException("shard " + f + " missing or outside the checkpoint");
                }
                out.add(p);
            }
            return out;
        }
        Path single = directory.resolve(SINGLE);
        if (!Files.isRegularFile(single)) {
            throw new IOException(directory + " has neither " + SINGLE + " nor " + INDEX);
        }
        return List.of(single);
    }

    /** Every tensor of the checkpoint, widened to float. */
    public Map<String, Safetensors.Tensor> tensors() throws IOException {
        return tensors(LoadProgress.NONE);
    }

    /** Every tensor of the checkpoint, widened to float, with progress in bytes of the weight files. */
    public Map<String, Safetensors.Tensor> tensors(LoadProgress progress) throws IOException {
        List<Path> files = weightFiles();
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        Map<String, Safetensors.Tensor> all = new LinkedHashMap<>();
        long done = 0;
        progress.update("reading", 0, total);
        for (Path file : files) {
            for (var e : Safetensors.read(file).entrySet()) {
                if (all.put(e.getKey(), e.getValue()) != null) {
                    throw new IOException("tensor " + e.getKey() + " appears in two shards");
                }
            }
            done += Files.size(file);
            progress.update("reading", done, total);
        }
        return all;
    }

    /**
     * The model digest that goes into attestation documents: SHA-256 over
     * {@code text("cocoon/v1 model")} then, for every file of the checkpoint (config, tokenizer, index,
     * weights) in name order, {@code text(name) || bytes(SHA-256(file))}, in {@link CanonicalEncoder} form.
     */
    public String digest() throws IOException {
        return digest(LoadProgress.NONE);
    }

    /** {@link #digest()}, with progress in bytes hashed. */
    public String digest(LoadProgress progress) throws IOException {
        TreeSet<Path> files = new TreeSet<>(weightFiles());
        files.add(directory.resolve("config.json"));
        files.add(tokenizer());
        if (Files.isRegularFile(directory.resolve(INDEX))) {
            files.add(directory.resolve(INDEX));
        }
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        long[] done = {0};
        long all = total;
        progress.update("hashing", 0, all);
        CanonicalEncoder encoder = CanonicalEncoder.labelled(DIGEST_LABEL);
        for (Path file : files) {
            encoder.text(file.getFileName().toString()).bytes(sha256(file, n -> {
                done[0] += n;
                progress.update("hashing", done[0], all);
            }));
        }
        return HexFormat.of().formatHex(Digests.sha256(encoder.toByteArray()));
    }

    private static byte[] sha256(Path file, java.util.function.IntConsumer read) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            var digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                read.accept(n);
            }
            return digest.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes a checkpoint: config, tokenizer (copied), and weights in {@code shards} files (with an index
     * when more than one).
     */
    public static Checkpoint write(Path directory, LlamaConfig config, Path tokenizerJson,
                                   Map<String, Safetensors.Tensor> tensors, Safetensors.DType dtype, int shards)
            throws IOException {
        Files.createDirectories(directory);
        // Sorted keys: Map.of's iteration order changes between JVMs, and the files feed the model digest.
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        Files.write(directory.resolve("config.json"), json.writeValueAsBytes(config.toJson()));
        if (!tokenizerJson.toAbsolutePath().equals(directory.resolve("tokenizer.json").toAbsolutePath())) {
            Files.copy(tokenizerJson, directory.resolve("tokenizer.json"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> old = Files.list(directory)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                if (p.getFileName().toString().startsWith("model")) {
                    Files.delete(p);
                }
            }
        }
        if (shards <= 1) {
            Safetensors.write(directory.resolve(SINGLE), tensors, dtype);
            return new Checkpoint(directory);
        }
        List<Map<String, Safetensors.Tensor>> parts = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            parts.add(new LinkedHashMap<>());
        }
        int i = 0;
        Map<String, String> weightMap = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, Safetensors.Tensor>> it = tensors.entrySet().iterator(); it.hasNext(); i++) {
            var e = it.next();
            int shard = i * shards / tensors.size();
            parts.get(shard).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), shardName(shard, shards));
        }
        for (int s = 0; s < shards; s++) {
            Safetensors.write(directory.resolve(shardName(s, shards)), parts.get(s), dtype);
        }
        Files.write(directory.resolve(INDEX), json.writeValueAsBytes(Map.of("metadata", Map.of(),
                "weight_map", weightMap)));
        return new Checkpoint(directory);
    }

    private static String shardName(int shard, int shards) {
        return String.format("model-%05d-of-%05d.safetensors", shard + 1, shards);
    }
}
