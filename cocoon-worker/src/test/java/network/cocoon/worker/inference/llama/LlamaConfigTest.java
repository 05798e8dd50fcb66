package network.cocoon.worker.inference.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaConfigTest {
    @TempDir
    Path dir;

    private LlamaConfig read(String json) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, json);
        return LlamaConfig.read(file);
    }

    @Test
    void readsALlama31StyleConfig() throws IOException {
        LlamaConfig c = read("""
                {"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":2048,
                 "num_hidden_layers":16,"num_attention_heads":32,"num_key_value_heads":8,"intermediate_size":8192,
                 "vocab_size":128256,"rms_norm_eps":1e-05,"rope_theta":500000.0,"max_position_embeddings":131072,
                 "rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,
                   "original_max_position_embeddings":8192,"rope_type":"llama3"},
                 "tie_word_embeddings":true,"eos_token_id":[128001,128008,128009],"torch_dtype":"bfloat16"}""");
        assertEquals(64, c.headDim());
        assertEquals(4, c.groupSize());
        assertEquals("llama3", c.ropeScaling().type());
        assertEquals(List.of(128001L, 128008L, 128009L), c.eosTokenIds());
        assertTrue(c.tieWordEmbeddings());
        assertEquals(LlamaConfig.Biases.NONE, c.biases());
        assertEquals(HiddenActivation.SILU, c.activation());
    }

    @Test
    void readsAQwen2StyleConfigWithBiases() throws IOException {
        LlamaConfig c = read("""
                {"model_type":"qwen2","hidden_size":896,"num_hidden_layers":24,"num_attention_heads":14,
                 "num_key_value_heads":2,"intermediate_size":4864,"vocab_size":151936,"eos_token_id":151645}""");
        assertEquals(LlamaConfig.Biases.QWEN2, c.biases());
        assertEquals(List.of(151645L), c.eosTokenIds());
        assertEquals(1e-6, c.rmsNormEps());
    }

    static final String BASE = """
            "hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":8,"vocab_size":10""";

    /** JSON written with single quotes, for readability. */
    private LlamaConfig readQ(String json) throws IOException {
        return read(json.replace('\'', '"'));
    }

    @Test
    void readsTransformers5RopeParameters() throws IOException {
        LlamaConfig c = readQ("{" + BASE + ",'rope_parameters':{'rope_type':'llama3','rope_theta':500000.0,"
                + "'factor':8.0,'low_freq_factor':1.0,'high_freq_factor':4.0,'original_max_position_embeddings':64},"
                + "'max_position_embeddings':256}");
        assertEquals(500_000.0, c.ropeTheta());
        assertEquals("llama3", c.ropeScaling().type());
        assertEquals(64, c.ropeScaling().originalMaxPositions());
        LlamaConfig plain = readQ("{" + BASE + ",'rope_parameters':{'rope_type':'default','rope_theta':1e6}}");
        assertEquals(1e6, plain.ropeTheta());
        assertEquals(null, plain.ropeScaling());
        // As in transformers 5: llama3's original context defaults to max_position_embeddings.
        LlamaConfig legacy = readQ("{" + BASE + ",'rope_scaling':{'rope_type':'llama3','factor':8.0,"
                + "'low_freq_factor':1.0,'high_freq_factor':4.0},'max_position_embeddings':512}");
        assertEquals(512, legacy.ropeScaling().originalMaxPositions());
    }

    @Test
    void readsBiasesAndActivations() throws IOException {
        LlamaConfig c = read("{" + BASE + ",\"attention_bias\":true,\"mlp_bias\":true,\"hidden_act\":\"gelu_pytorch_tanh\"}");
        assertEquals(new LlamaConfig.Biases(true, true, true), c.biases());
        assertEquals(HiddenActivation.GELU_TANH, c.activation());
        assertEquals(HiddenActivation.GELU, read("{" + BASE + ",\"hidden_act\":\"gelu\"}").activation());
        // Qwen2's layers ignore these keys, as transformers does.
        assertEquals(LlamaConfig.Biases.QWEN2, read("{\"model_type\":\"qwen2\"," + BASE
                + ",\"attention_bias\":false,\"mlp_bias\":true}").biases());
    }

    @Test
    void slidingWindowCapsTheContextWhereItWouldApply() throws IOException {
        assertEquals(4096, read("{\"model_type\":\"mistral\"," + BASE
                + ",\"sliding_window\":4096,\"max_position_embeddings\":32768}").maxPositions());
        assertEquals(32768, read("{\"model_type\":\"mistral\"," + BASE
                + ",\"sliding_window\":null,\"max_position_embeddings\":32768}").maxPositions());
        assertEquals(32768, read("{\"model_type\":\"qwen2\"," + BASE
                + ",\"use_sliding_window\":false,\"sliding_window\":4096,\"max_position_embeddings\":32768}")
                .maxPositions());
        assertEquals(1024, read("{\"model_type\":\"qwen2\"," + BASE + ",\"use_sliding_window\":true,"
                + "\"sliding_window\":1024,\"max_window_layers\":1,\"max_position_embeddings\":32768}").maxPositions());
        assertEquals(2048, read("{" + BASE + ",\"sliding_window\":16}").maxPositions(), "Llama never slides");
    }

    @Test
    void refusalsNameTheKeyAndValue() {
        assertRefused("'hidden_act' = \"xielu\"", "{" + BASE + ",\"hidden_act\":\"xielu\"}");
        assertRefused("'rope_scaling.rope_type' = \"dynamic\"",
                "{" + BASE + ",\"rope_scaling\":{\"rope_type\":\"dynamic\",\"factor\":2}}");
        assertRefused("'rope_parameters.rope_type' = \"yarn\"",
                "{" + BASE + ",\"rope_parameters\":{\"rope_type\":\"yarn\",\"factor\":2}}");
        assertRefused("'rope_parameters.partial_rotary_factor' = 0.5",
                "{" + BASE + ",\"rope_parameters\":{\"rope_type\":\"default\",\"partial_rotary_factor\":0.5}}");
        assertRefused("'rope_parameters.mrope_section'",
                "{" + BASE + ",\"rope_parameters\":{\"rope_type\":\"default\",\"mrope_section\":[1]}}");
        assertRefused("'quantization_config'", "{" + BASE + ",\"quantization_config\":{\"bits\":4}}");
        assertRefused("'logits_scaling' = 8", "{" + BASE + ",\"logits_scaling\":8}");
        assertRefused("'rope_interleaved' = true", "{" + BASE + ",\"rope_interleaved\":true}");
        assertRefused("model_type 'gemma'", "{\"model_type\":\"gemma\"," + BASE + "}");
    }

    private void assertRefused(String expected, String json) {
        IOException e = assertThrows(IOException.class, () -> read(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThrows(IOException.class, () -> read("{\"model_type\":\"gpt2\"}"));
        assertThrows(IOException.class, () -> read("{\"model_type\":\"llama\",\"hidden_size\":64}"));
        assertThrows(IOException.class, () -> read("""
                {"hidden_size":64,"num_hidden_layers":1,"num_attention_heads":4,"intermediate_size":8,
                 "vocab_size":10,"rope_scaling":{"type":"yarn","factor":4}}"""));
        assertThrows(IllegalArgumentException.class, () -> read("""
                {"hidden_size":64,"num_hidden_layers":1,"num_attention_heads":4,"num_key_value_heads":3,
                 "intermediate_size":8,"vocab_size":10}"""));
    }
}
