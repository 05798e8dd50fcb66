package network.cocoon.worker.inference.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The architecture of a Llama-family checkpoint, from its Hugging Face {@code config.json} (Llama, Qwen2,
 * SmolLM and TinyLlama share it).
 *
 * @param hiddenSize width of the residual stream
 * @param layers number of decoder layers
 * @param heads attention heads
 * @param kvHeads key/value heads (grouped-query attention when fewer than heads)
 * @param headDim width of one head
 * @param intermediateSize width of the SwiGLU MLP
 * @param vocabSize vocabulary size
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta rotary embedding base
 * @param ropeScaling rotary scaling, or {@code null}
 * @param maxPositions longest supported sequence
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param attentionBias whether q/k/v projections have biases (Qwen2)
 * @param eosTokenIds end-of-sequence token ids
 * @param chatTemplate the Cocoon chat template name if the config names one ({@code cocoon_chat_template})
 */
public record LlamaConfig(int hiddenSize, int layers, int heads, int kvHeads, int headDim, int intermediateSize,
                          int vocabSize, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          int maxPositions, boolean tieWordEmbeddings, boolean attentionBias,
                          List<Long> eosTokenIds, String chatTemplate) {
    /**
     * Rotary scaling: {@code linear} (positions divided by {@code factor}) or {@code llama3} (frequency-dependent
     * scaling of Llama 3.1).
     *
     * @param type scaling type
     * @param factor scaling factor
     * @param lowFreqFactor llama3 low-frequency factor
     * @param highFreqFactor llama3 high-frequency factor
     * @param originalMaxPositions llama3 original context length
     */
    public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                              int originalMaxPositions) {
    }

    /** Validates the shape relations. */
    public LlamaConfig {
        if (hiddenSize <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || vocabSize <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kv heads (" + kvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head dimension");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** Reads {@code config.json}. */
    public static LlamaConfig read(Path configJson) throws IOException {
        JsonNode c = new ObjectMapper().readTree(Files.readAllBytes(configJson));
        String type = c.path("model_type").asText("llama");
        if (!List.of("llama", "qwen2", "mistral").contains(type)) {
            throw new IOException("unsupported model_type '" + type + "': only Llama-family checkpoints load");
        }
        int hidden = required(c, "hidden_size");
        int heads = required(c, "num_attention_heads");
        RopeScaling scaling = null;
        JsonNode rs = c.get("rope_scaling");
        if (rs != null && !rs.isNull()) {
            String kind = rs.has("rope_type") ? rs.get("rope_type").asText() : rs.path("type").asText();
            if (!kind.equals("linear") && !kind.equals("llama3") && !kind.equals("default")) {
                throw new IOException("unsupported rope_scaling type '" + kind + "'");
            }
            scaling = kind.equals("default") ? null : new RopeScaling(kind, rs.path("factor").asDouble(1.0),
                    rs.path("low_freq_factor").asDouble(1.0), rs.path("high_freq_factor").asDouble(4.0),
                    rs.path("original_max_position_embeddings").asInt(8192));
        }
        List<Long> eos;
        JsonNode e = c.get("eos_token_id");
        if (e == null || e.isNull()) {
            eos = List.of();
        } else if (e.isArray()) {
            eos = new java.util.ArrayList<>();
            e.forEach(n -> eos.add(n.asLong()));
        } else {
            eos = List.of(e.asLong());
        }
        return new LlamaConfig(hidden, required(c, "num_hidden_layers"), heads,
                c.path("num_key_value_heads").asInt(heads), c.path("head_dim").asInt(hidden / heads),
                required(c, "intermediate_size"), required(c, "vocab_size"), c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000.0), scaling, c.path("max_position_embeddings").asInt(2048),
                c.path("tie_word_embeddings").asBoolean(false),
                c.path("attention_bias").asBoolean(type.equals("qwen2")), eos,
                c.hasNonNull("cocoon_chat_template") ? c.get("cocoon_chat_template").asText() : null);
    }

    /** The {@code config.json} content for this configuration. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architectures", List.of("LlamaForCausalLM"));
        m.put("model_type", "llama");
        m.put("hidden_size", hiddenSize);
        m.put("num_hidden_layers", layers);
        m.put("num_attention_heads", heads);
        m.put("num_key_value_heads", kvHeads);
        m.put("head_dim", headDim);
        m.put("intermediate_size", intermediateSize);
        m.put("vocab_size", vocabSize);
        m.put("rms_norm_eps", rmsNormEps);
        m.put("rope_theta", ropeTheta);
        m.put("rope_scaling", null);
        m.put("max_position_embeddings", maxPositions);
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("attention_bias", attentionBias);
        m.put("hidden_act", "silu");
        m.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
        m.put("torch_dtype", "float32");
        if (chatTemplate != null) {
            m.put("cocoon_chat_template", chatTemplate);
        }
        return m;
    }

    /** The chat template named in the config, if any. */
    public Optional<String> chatTemplateName() {
        return Optional.ofNullable(chatTemplate);
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    private static int required(JsonNode c, String field) throws IOException {
        if (!c.hasNonNull(field)) {
            throw new IOException("config.json lacks " + field);
        }
        return c.get(field).asInt();
    }
}
