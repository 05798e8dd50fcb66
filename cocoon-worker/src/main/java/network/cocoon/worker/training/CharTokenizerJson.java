package network.cocoon.worker.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the small model's {@code tokenizer.json}: a Hugging Face WordLevel tokenizer over single characters,
 * with ChatML's special tokens. Any Hugging Face tokenizers implementation loads it.
 */
final class CharTokenizerJson {
    static final List<String> SPECIAL = List.of("<|im_start|>", "<|im_end|>", "<unk>");
    static final String CHARACTERS = "\n 0123456789+-*=?.,abcdefghijklmnopqrstuvwxyz";

    private CharTokenizerJson() {
    }

    /** Vocabulary size: special tokens plus characters. */
    static int vocabularySize() {
        return SPECIAL.size() + CHARACTERS.length();
    }

    static void write(Path file) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        List<Map<String, Object>> added = new ArrayList<>();
        for (String special : SPECIAL) {
            int id = vocab.size();
            vocab.put(special, id);
            if (!special.equals("<unk>")) {
                Map<String, Object> token = new LinkedHashMap<>();
                token.put("id", id);
                token.put("content", special);
                token.put("single_word", false);
                token.put("lstrip", false);
                token.put("rstrip", false);
                token.put("normalized", false);
                token.put("special", true);
                added.add(token);
            }
        }
        for (char c : CHARACTERS.toCharArray()) {
            vocab.put(String.valueOf(c), vocab.size());
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", "1.0");
        json.put("truncation", null);
        json.put("padding", null);
        json.put("added_tokens", added);
        json.put("normalizer", null);
        json.put("pre_tokenizer", Map.of("type", "Split", "pattern", Map.of("Regex", "."), "behavior", "Isolated",
                "invert", false));
        json.put("post_processor", null);
        json.put("decoder", Map.of("type", "Fuse"));
        json.put("model", Map.of("type", "WordLevel", "vocab", vocab, "unk_token", "<unk>"));
        // Sorted keys, so that the file (and the model digest) is the same in every JVM.
        Files.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsBytes(json));
    }
}
