package network.cocoon.worker.inference.llama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The architecture of a Llama-family checkpoint, from its Hugging Face {@code config.json} (Llama, Qwen2,
 * Mistral, SmolLM and TinyLlama share it).
 *
 * <p>Exactness rule: {@link #read} accepts a config only if every key in it either is implemented as
 * transformers implements it for that {@code model_type}, or provably does not change inference logits
 * (training-only and bookkeeping keys). Anything else, including an unknown key, an unknown
 * {@code model_type}, rotary scaling type or activation, is refused with one line naming the key and its value.
 *
 * @param hiddenSize width of the residual stream
 * @param layers number of decoder layers
 * @param heads attention heads
 * @param kvHeads key/value heads (grouped-query attention when fewer than heads)
 * @param headDim width of one head
 * @param intermediateSize width of the gated MLP
 * @param vocabSize vocabulary size
 * @param rmsNormEps RMSNorm epsilon
 * @param ropeTheta rotary embedding base
 * @param ropeScaling rotary scaling, or {@code null}
 * @param maxPositions longest supported sequence: {@code max_position_embeddings}, or the sliding window when
 *     one applies (within it, sliding-window attention equals full attention, so the cap keeps the math exact)
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param biases which projections carry biases
 * @param activation the MLP's activation
 * @param eosTokenIds end-of-sequence token ids
 * @param chatTemplate the Cocoon chat template name if the config names one ({@code cocoon_chat_template})
 */
public record LlamaConfig(int hiddenSize, int layers, int heads, int kvHeads, int headDim, int intermediateSize,
                          int vocabSize, double rmsNormEps, double ropeTheta, RopeScaling ropeScaling,
                          int maxPositions, boolean tieWordEmbeddings, Biases biases, HiddenActivation activation,
                          List<Long> eosTokenIds, String chatTemplate) {
    /** Keys that do not change inference logits: bookkeeping, token ids, training-only settings. */
    private static final Set<String> INERT_KEYS = Set.of("architectures", "model_type", "_name_or_path",
            "transformers_version", "torch_dtype", "dtype", "use_cache", "initializer_range", "bos_token_id",
            "eos_token_id", "pad_token_id", "attention_dropout", "is_llama_config", "transformers.js_config",
            "tokenizer_class", "output_attentions", "output_hidden_states", "return_dict", "id2label", "label2id",
            "problem_type", "task_specific_params", "cocoon_chat_template",
            // Splits each projection into slices whose results are concatenated: the same product.
            "pretraining_tp");
    /** Keys read below, for each model type. */
    private static final Set<String> READ_KEYS = Set.of("hidden_size", "num_hidden_layers",
            "num_attention_heads", "num_key_value_heads", "head_dim", "intermediate_size", "vocab_size",
            "rms_norm_eps", "rope_theta", "rope_scaling", "rope_parameters", "max_position_embeddings",
            "tie_word_embeddings", "attention_bias", "mlp_bias", "hidden_act", "sliding_window",
            "use_sliding_window", "max_window_layers", "layer_types", "rope_interleaved",
            "original_max_position_embeddings");
    private static final Set<String> ROPE_KEYS = Set.of("rope_type", "type", "rope_theta", "factor",
            "low_freq_factor", "high_freq_factor", "original_max_position_embeddings", "partial_rotary_factor");

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

    /**
     * Which linear layers carry a bias.
     *
     * @param qkv the query, key and value projections
     * @param output the attention output projection
     * @param mlp the gate, up and down projections
     */
    public record Biases(boolean qkv, boolean output, boolean mlp) {
        /** No biases anywhere (Llama's default, Mistral). */
        public static final Biases NONE = new Biases(false, false, false);
        /** Qwen2: query, key and value only. */
        public static final Biases QWEN2 = new Biases(true, false, false);
    }

    /** Validates the shape relations. */
    public LlamaConfig {
        if (hiddenSize <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || headDim <= 0 || vocabSize <= 0
                || intermediateSize <= 0 || maxPositions <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kv heads (" + kvHeads + ")");
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head dimension");
        }
        java.util.Objects.requireNonNull(biases, "biases");
        java.util.Objects.requireNonNull(activation, "activation");
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /**
     * Reads {@code config.json}.
     *
     * @throws IOException naming the key and value if the config uses anything the engine does not compute
     *     exactly as transformers does
     */
    public static LlamaConfig read(Path configJson) throws IOException {
        JsonNode c = new ObjectMapper().readTree(Files.readAllBytes(configJson));
        if (c == null || !c.isObject()) {
            throw new IOException("config.json is not a JSON object");
        }
        String type = c.hasNonNull("model_type") ? c.get("model_type").asText() : "llama";
        if (!List.of("llama", "qwen2", "mistral").contains(type)) {
            throw new IOException("unsupported model_type '" + type + "': only llama, qwen2 and mistral load");
        }
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!INERT_KEYS.contains(key) && !READ_KEYS.contains(key)) {
                throw new IOException("unsupported config key '" + key + "' = " + brief(c.get(key))
                        + ": the engine cannot tell whether it changes the model's output");
            }
        }
        if (c.has("rope_interleaved") && c.get("rope_interleaved").asBoolean(true)) {
            throw new IOException("unsupported config key 'rope_interleaved' = " + brief(c.get("rope_interleaved")));
        }
        int hidden = required(c, "hidden_size");
        int heads = required(c, "num_attention_heads");
        int layers = required(c, "num_hidden_layers");
        int headDim = c.hasNonNull("head_dim") ? c.get("head_dim").asInt() : hidden / heads;
        int maxPositions = c.hasNonNull("max_position_embeddings") ? c.get("max_position_embeddings").asInt()
                : switch (type) {
                    case "qwen2" -> 32768;
                    case "mistral" -> 4096 * 32;
                    default -> 2048;
                };
        Integer window = slidingWindow(c, type, layers);
        if (window != null) {
            maxPositions = Math.min(maxPositions, window);
        }
        double[] theta = new double[1];
        RopeScaling scaling = rope(c, maxPositions, theta);
        Biases biases = switch (type) {
            // transformers' Qwen2 and Mistral layers ignore attention_bias and mlp_bias.
            case "qwen2" -> Biases.QWEN2;
            case "mistral" -> Biases.NONE;
            default -> {
                boolean attention = c.path("attention_bias").asBoolean(false);
                yield new Biases(attention, attention, c.path("mlp_bias").asBoolean(false));
            }
        };
        String act = c.hasNonNull("hidden_act") ? c.get("hidden_act").asText() : "silu";
        HiddenActivation activation = HiddenActivation.forName(act).orElseThrow(() -> new IOException(
                "unsupported config key 'hidden_act' = \"" + act + "\""));
        List<Long> eos = new ArrayList<>();
        JsonNode e = c.get("eos_token_id");
        if (e != null && e.isArray()) {
            e.forEach(n -> eos.add(n.asLong()));
        } else if (e != null && !e.isNull()) {
            eos.add(e.asLong());
        }
        return new LlamaConfig(hidden, layers, heads, c.path("num_key_value_heads").asInt(heads), headDim,
                required(c, "intermediate_size"), required(c, "vocab_size"), c.path("rms_norm_eps").asDouble(1e-6),
                theta[0], scaling, maxPositions, c.path("tie_word_embeddings").asBoolean(false), biases, activation,
                eos, c.hasNonNull("cocoon_chat_template") ? c.get("cocoon_chat_template").asText() : null);
    }

    /**
     * The sliding window that applies to some layer, or {@code null}. Mistral slides when
     * {@code sliding_window} is set; Qwen2 only with {@code use_sliding_window}, from layer
     * {@code max_window_layers} on or as {@code layer_types} says; Llama never does.
     */
    private static Integer slidingWindow(JsonNode c, String type, int layers) throws IOException {
        JsonNode w = c.get("sliding_window");
        boolean slides = switch (type) {
            case "mistral" -> w != null && !w.isNull();
            case "qwen2" -> c.path("use_sliding_window").asBoolean(false) && w != null && !w.isNull()
                    && (c.hasNonNull("layer_types") ? c.get("layer_types").toString().contains("sliding_attention")
                    : c.path("max_window_layers").asInt(28) < layers);
            default -> false;
        };
        JsonNode types = c.get("layer_types");
        if (types != null && !types.isNull()) {
            for (JsonNode t : types) {
                String name = t.asText();
                if (!name.equals("full_attention") && !(name.equals("sliding_attention") && type.equals("qwen2"))) {
                    throw new IOException("unsupported config key 'layer_types' with \"" + name + "\"");
                }
            }
        }
        if (!slides) {
            return null;
        }
        if (!w.canConvertToInt() || w.asInt() < 1) {
            throw new IOException("unsupported config key 'sliding_window' = " + brief(w));
        }
        return w.asInt();
    }

    /**
     * Rotary parameters as transformers 5 resolves them: a non-empty legacy {@code rope_scaling} wins over
     * {@code rope_parameters}; {@code rope_theta} inside them wins over the top-level key, which wins over 10,000.
     */
    private static RopeScaling rope(JsonNode c, int maxPositions, double[] theta) throws IOException {
        JsonNode params = null;
        String source = null;
        for (String key : List.of("rope_scaling", "rope_parameters")) {
            JsonNode p = c.get(key);
            if (p != null && !p.isNull() && !(p.isObject() && p.isEmpty())) {
                params = p;
                source = key;
                break;
            }
        }
        theta[0] = c.hasNonNull("rope_theta") ? c.get("rope_theta").asDouble() : 10_000.0;
        if (params == null) {
            return null;
        }
        if (!params.isObject()) {
            throw new IOException("unsupported config key '" + source + "' = " + brief(params));
        }
        for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!ROPE_KEYS.contains(key)) {
                throw new IOException("unsupported config key '" + source + "." + key + "' = "
                        + brief(params.get(key)));
            }
        }
        if (params.hasNonNull("partial_rotary_factor") && params.get("partial_rotary_factor").asDouble() != 1.0) {
            throw new IOException("unsupported config key '" + source + ".partial_rotary_factor' = "
                    + brief(params.get("partial_rotary_factor")));
        }
        if (params.hasNonNull("rope_theta")) {
            theta[0] = params.get("rope_theta").asDouble();
        }
        String kind = params.hasNonNull("rope_type") ? params.get("rope_type").asText()
                : params.hasNonNull("type") ? params.get("type").asText() : "default";
        return switch (kind) {
            case "default" -> null;
            case "linear" -> new RopeScaling(kind, requiredNumber(params, source, "factor"), 1, 1, 0);
            case "llama3" -> new RopeScaling(kind, requiredNumber(params, source, "factor"),
                    requiredNumber(params, source, "low_freq_factor"),
                    requiredNumber(params, source, "high_freq_factor"),
                    c.hasNonNull("original_max_position_embeddings") ? c.get("original_max_position_embeddings").asInt()
                            : params.hasNonNull("original_max_position_embeddings")
                            ? params.get("original_max_position_embeddings").asInt()
                            : c.path("max_position_embeddings").asInt(maxPositions));
            default -> throw new IOException("unsupported config key '" + source + ".rope_type' = \"" + kind + "\"");
        };
    }

    private static double requiredNumber(JsonNode params, String source, String key) throws IOException {
        if (!params.hasNonNull(key) || !params.get(key).isNumber()) {
            throw new IOException("config key '" + source + "' lacks a number '" + key + "'");
        }
        return params.get(key).asDouble();
    }

    private static String brief(JsonNode value) {
        String text = value == null ? "null" : value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    /** The {@code config.json} content for this configuration (written as a Llama config). */
    public Map<String, Object> toJson() {
        if (biases.qkv() != biases.output()) {
            throw new IllegalStateException("a Llama config cannot express Qwen2's biases");
        }
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
        m.put("rope_scaling", ropeScaling == null ? null : ropeScalingJson());
        m.put("max_position_embeddings", maxPositions);
        m.put("tie_word_embeddings", tieWordEmbeddings);
        m.put("attention_bias", biases.qkv());
        m.put("mlp_bias", biases.mlp());
        m.put("hidden_act", activation.configName());
        m.put("eos_token_id", eosTokenIds.size() == 1 ? eosTokenIds.get(0) : eosTokenIds);
        m.put("torch_dtype", "float32");
        if (chatTemplate != null) {
            m.put("cocoon_chat_template", chatTemplate);
        }
        return m;
    }

    private Map<String, Object> ropeScalingJson() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rope_type", ropeScaling.type());
        r.put("factor", ropeScaling.factor());
        if (ropeScaling.type().equals("llama3")) {
            r.put("low_freq_factor", ropeScaling.lowFreqFactor());
            r.put("high_freq_factor", ropeScaling.highFreqFactor());
            r.put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
        }
        return r;
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
        if (!c.hasNonNull(field) || !c.get(field).canConvertToInt()) {
            throw new IOException("config.json lacks an integer " + field);
        }
        return c.get(field).asInt();
    }
}
