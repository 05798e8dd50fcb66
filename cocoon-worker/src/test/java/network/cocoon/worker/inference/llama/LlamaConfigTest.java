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
        assertFalse(c.attentionBias());
    }

    @Test
    void readsAQwen2StyleConfigWithBiases() throws IOException {
        LlamaConfig c = read("""
                {"model_type":"qwen2","hidden_size":896,"num_hidden_layers":24,"num_attention_heads":14,
                 "num_key_value_heads":2,"intermediate_size":4864,"vocab_size":151936,"eos_token_id":151645}""");
        assertTrue(c.attentionBias());
        assertEquals(List.of(151645L), c.eosTokenIds());
        assertEquals(1e-6, c.rmsNormEps());
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
