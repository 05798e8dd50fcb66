package network.cocoon.worker.inference;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's bindings of the Rust tokenizers library.
 * Thread-safe.
 */
public final class TextTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private TextTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads {@code tokenizer.json}; nothing is downloaded. */
    public static TextTokenizer load(Path tokenizerJson) throws IOException {
        // No special tokens are added: chat templates write them explicitly.
        return new TextTokenizer(HuggingFaceTokenizer.newInstance(tokenizerJson,
                Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false")));
    }

    /** Token ids of {@code text}, special tokens written in it included. */
    public long[] encode(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        return encoding.getIds();
    }

    /** Text of token ids, special tokens skipped. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** The id of a token that must be a single vocabulary entry (a special token), if it is one. */
    public OptionalLong tokenId(String token) {
        long[] ids = tokenizer.encode(token, false, false).getIds();
        return ids.length == 1 ? OptionalLong.of(ids[0]) : OptionalLong.empty();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
