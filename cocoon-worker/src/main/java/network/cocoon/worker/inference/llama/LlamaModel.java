package network.cocoon.worker.inference.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.cocoon.worker.inference.LoadProgress;
import network.cocoon.worker.inference.checkpoint.Safetensors;

/**
 * The Llama decoder in NDArray operations, written once for inference and training: token embeddings,
 * RMSNorm, rotary position embeddings, grouped-query attention (with a KV cache when decoding), a gated MLP
 * and the LM head. Weights keep the Hugging Face names and layouts.
 *
 * <p>Thread confinement: one thread runs forward passes at a time (the engine's scheduler).
 */
public final class LlamaModel implements AutoCloseable {
    private static final float MASKED = -1e9f;

    private final LlamaConfig config;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final NDArray ropeCos;
    private final NDArray ropeSin;
    private final int ropePositions;

    private LlamaModel(LlamaConfig config, NDManager manager, Map<String, NDArray> weights, int ropePositions) {
        this.config = config;
        this.manager = manager;
        this.weights = weights;
        this.ropePositions = ropePositions;
        float[][] tables = RotaryTables.compute(config, ropePositions);
        this.ropeCos = manager.create(tables[0], new Shape(ropePositions, config.headDim()));
        this.ropeSin = manager.create(tables[1], new Shape(ropePositions, config.headDim()));
    }

    /**
     * Builds a model from named tensors in Hugging Face layout.
     *
     * @param maxContext positions to support (at most the config's maximum)
     * @throws IOException if a tensor is missing or has the wrong shape
     */
    public static LlamaModel create(LlamaConfig config, Map<String, Safetensors.Tensor> tensors, Device device,
                                    int maxContext) throws IOException {
        return create(config, tensors, device, maxContext, LoadProgress.NONE);
    }

    /** {@link #create(LlamaConfig, Map, Device, int)}, with progress in bytes copied to the device. */
    public static LlamaModel create(LlamaConfig config, Map<String, Safetensors.Tensor> tensors, Device device,
                                    int maxContext, LoadProgress progress) throws IOException {
        Map<String, long[]> expected = expectedShapes(config);
        for (String name : tensors.keySet()) {
            // Old checkpoints store the rotary frequencies as a buffer; they are recomputed from the config.
            if (!expected.containsKey(name) && !name.endsWith(".rotary_emb.inv_freq")) {
                throw new IOException("checkpoint has tensor " + name + ", which this configuration does not use");
            }
        }
        long total = 0;
        for (String name : expected.keySet()) {
            Safetensors.Tensor t = tensors.get(name);
            total += t == null ? 0 : 4L * t.data().length;
        }
        long done = 0;
        progress.update("to device", 0, total);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                Safetensors.Tensor t = tensors.get(e.getKey());
                if (t == null) {
                    throw new IOException("checkpoint lacks tensor " + e.getKey());
                }
                if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                    throw new IOException("tensor " + e.getKey() + " has shape " + java.util.Arrays.toString(t.shape())
                            + ", expected " + java.util.Arrays.toString(e.getValue()));
                }
                weights.put(e.getKey(), manager.create(t.data(), new Shape(t.shape())));
                done += 4L * t.data().length;
                progress.update("to device", done, total);
            }
            return new LlamaModel(config, manager, weights, Math.min(maxContext, config.maxPositions()));
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The tensor names and shapes a checkpoint of this configuration must have. */
    public static Map<String, long[]> expectedShapes(LlamaConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        for (int i = 0; i < c.layers(); i++) {
            String p = "model.layers." + i + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {h});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            if (c.biases().qkv()) {
                shapes.put(p + "self_attn.q_proj.bias", new long[] {q});
                shapes.put(p + "self_attn.k_proj.bias", new long[] {kv});
                shapes.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            shapes.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (c.biases().output()) {
                shapes.put(p + "self_attn.o_proj.bias", new long[] {h});
            }
            shapes.put(p + "post_attention_layernorm.weight", new long[] {h});
            long m = c.intermediateSize();
            shapes.put(p + "mlp.gate_proj.weight", new long[] {m, h});
            shapes.put(p + "mlp.up_proj.weight", new long[] {m, h});
            shapes.put(p + "mlp.down_proj.weight", new long[] {h, m});
            if (c.biases().mlp()) {
                shapes.put(p + "mlp.gate_proj.bias", new long[] {m});
                shapes.put(p + "mlp.up_proj.bias", new long[] {m});
                shapes.put(p + "mlp.down_proj.bias", new long[] {h});
            }
        }
        shapes.put("model.norm.weight", new long[] {h});
        if (!c.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        return shapes;
    }

    /** The configuration. */
    public LlamaConfig config() {
        return config;
    }

    /** The manager owning the weights; caches and scratch managers hang below it. */
    public NDManager manager() {
        return manager;
    }

    /** The longest sequence this instance supports. */
    public int maxContext() {
        return ropePositions;
    }

    /** The weights, for training (attach gradients) and export. */
    public Map<String, NDArray> weights() {
        return weights;
    }

    /** Where the weights live. */
    public Device device() {
        return manager.getDevice();
    }

    /** The weights as tensors in Hugging Face layout. */
    public Map<String, Safetensors.Tensor> toTensors() {
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        weights.forEach((name, w) -> out.put(name, new Safetensors.Tensor(w.getShape().getShape(), w.toFloatArray())));
        return out;
    }

    /** A new KV cache for one sequence of up to {@code capacity} positions. */
    public KvCache newCache(int capacity) {
        return new KvCache(config, manager, Math.min(capacity, ropePositions));
    }

    /** One sequence's new tokens and its cache. */
    public record Chunk(long[] tokens, KvCache cache) {
    }

    /**
     * Runs new tokens of several sequences through the model at once (prefill, decode or both), appending
     * their keys and values to each sequence's cache. Projections and MLPs run on all rows together;
     * attention runs per sequence against its own cache.
     *
     * @param allPositions whether to return logits for every new position (rows in chunk order) or only
     *     for the last position of each chunk
     * @return logits, float32, shape (rows, vocab); the caller closes {@code scratch}
     */
    public NDArray forward(List<Chunk> chunks, boolean allPositions, NDManager scratch) {
        int rows = 0;
        for (Chunk c : chunks) {
            if (c.tokens().length == 0) {
                throw new IllegalArgumentException("a chunk needs at least one token");
            }
            if (c.cache().length() + c.tokens().length > c.cache().capacity()) {
                throw new IllegalArgumentException("sequence exceeds its cache capacity " + c.cache().capacity());
            }
            rows += c.tokens().length;
        }
        long[] ids = new long[rows];
        int at = 0;
        for (Chunk c : chunks) {
            System.arraycopy(c.tokens(), 0, ids, at, c.tokens().length);
            at += c.tokens().length;
        }
        NDArray x = embed(scratch.create(ids), scratch);
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            NDArray h = rmsNorm(x, w(p + "input_layernorm.weight"));
            NDArray q = linear(h, p + "self_attn.q_proj");
            NDArray k = linear(h, p + "self_attn.k_proj");
            NDArray v = linear(h, p + "self_attn.v_proj");
            NDList outputs = new NDList();
            int row = 0;
            for (Chunk c : chunks) {
                int t = c.tokens().length;
                NDIndex rowsOf = new NDIndex(row + ":" + (row + t));
                outputs.add(cachedAttention(q.get(rowsOf), k.get(rowsOf), v.get(rowsOf), c.cache(), layer, scratch));
                row += t;
            }
            NDArray attention = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
            x = x.add(linear(attention, p + "self_attn.o_proj"));
            x = x.add(mlp(rmsNorm(x, w(p + "post_attention_layernorm.weight")), p));
        }
        for (Chunk c : chunks) {
            c.cache().advance(c.tokens().length);
        }
        if (!allPositions) {
            long[] last = new long[chunks.size()];
            int end = 0;
            for (int i = 0; i < chunks.size(); i++) {
                end += chunks.get(i).tokens().length;
                last[i] = end - 1;
            }
            x = x.get(new NDIndex("{}", scratch.create(last)));
        }
        return lmHead(rmsNorm(x, w("model.norm.weight")));
    }

    /**
     * The no-cache forward pass over a batch of equal-length sequences starting at position 0, as
     * training uses it (differentiable).
     *
     * @param tokens int64, shape (batch, length)
     * @return logits, shape (batch, length, vocab)
     */
    public NDArray forward(NDArray tokens) {
        NDManager scratch = tokens.getManager();
        long batch = tokens.getShape().get(0);
        int length = (int) tokens.getShape().get(1);
        if (length > ropePositions) {
            throw new IllegalArgumentException("sequence longer than " + ropePositions);
        }
        int d = config.headDim();
        NDArray x = embed(tokens, scratch);
        NDArray cos = attached(ropeCos.get(new NDIndex(":" + length)), scratch);
        NDArray sin = attached(ropeSin.get(new NDIndex(":" + length)), scratch);
        NDArray mask = causalMask(0, length, scratch);
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            NDArray h = rmsNorm(x, w(p + "input_layernorm.weight"));
            NDArray q = heads(linear(h, p + "self_attn.q_proj"), batch, length, config.heads());
            NDArray k = heads(linear(h, p + "self_attn.k_proj"), batch, length, config.kvHeads());
            NDArray v = heads(linear(h, p + "self_attn.v_proj"), batch, length, config.kvHeads());
            NDArray out = attend(rope(q, cos, sin), rope(k, cos, sin), v, mask, batch, length, length);
            NDArray merged = out.transpose(0, 2, 1, 3).reshape(batch, length, (long) config.heads() * d);
            x = x.add(linear(merged, p + "self_attn.o_proj"));
            x = x.add(mlp(rmsNorm(x, w(p + "post_attention_layernorm.weight")), p));
        }
        return lmHead(rmsNorm(x, w("model.norm.weight")));
    }

    private NDArray cachedAttention(NDArray q, NDArray k, NDArray v, KvCache cache, int layer, NDManager scratch) {
        int t = (int) q.getShape().get(0);
        int start = cache.length();
        int end = start + t;
        NDArray cos = attached(ropeCos.get(new NDIndex(start + ":" + end)), scratch);
        NDArray sin = attached(ropeSin.get(new NDIndex(start + ":" + end)), scratch);
        NDArray qh = rope(heads(q.expandDims(0), 1, t, config.heads()), cos, sin);
        NDArray kh = rope(heads(k.expandDims(0), 1, t, config.kvHeads()), cos, sin);
        NDArray vh = heads(v.expandDims(0), 1, t, config.kvHeads());
        NDIndex filled = new NDIndex(":, :, " + start + ":" + end + ", :");
        cache.keys(layer).set(filled, kh);
        cache.values(layer).set(filled, vh);
        NDIndex upTo = new NDIndex(":, :, :" + end + ", :");
        NDArray keys = attached(cache.keys(layer).get(upTo), scratch);
        NDArray values = attached(cache.values(layer).get(upTo), scratch);
        NDArray mask = t == 1 ? null : causalMask(start, t, scratch);
        NDArray out = attend(qh, keys, values, mask, 1, t, end);
        return out.transpose(0, 2, 1, 3).reshape(t, (long) config.heads() * config.headDim());
    }

    /**
     * Grouped-query attention: query heads {@code j*g .. j*g+g-1} share key/value head {@code j}, so the
     * queries are regrouped instead of the keys being copied.
     */
    private NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, long batch, int queries, int keys) {
        int g = config.groupSize();
        int d = config.headDim();
        NDArray grouped = q.reshape(batch, config.kvHeads(), (long) g * queries, d);
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).mul(1.0 / Math.sqrt(d));
        if (mask != null) {
            scores = scores.add(g == 1 ? mask : mask.tile(new long[] {g, 1}));
        }
        return scores.softmax(-1).matMul(v).reshape(batch, config.heads(), queries, d);
    }

    /** Additive mask (queries, start + queries): query i at position start+i sees keys 0..start+i. */
    private static NDArray causalMask(int start, int queries, NDManager scratch) {
        NDArray queryPositions = scratch.arange(start, start + queries).reshape(queries, 1);
        NDArray keyPositions = scratch.arange(0, start + queries).reshape(1, start + queries);
        return keyPositions.gt(queryPositions).toType(DataType.FLOAT32, false).mul(MASKED);
    }

    /** (batch, length, heads*d) to (batch, heads, length, d). */
    private NDArray heads(NDArray x, long batch, int length, int heads) {
        return x.reshape(batch, length, heads, config.headDim()).transpose(0, 2, 1, 3);
    }

    /** Rotary embedding in the Hugging Face "rotate half" form. */
    private NDArray rope(NDArray x, NDArray cos, NDArray sin) {
        int half = config.headDim() / 2;
        NDArray first = x.get(new NDIndex("..., :" + half));
        NDArray second = x.get(new NDIndex("..., " + half + ":"));
        NDArray rotated = NDArrays.concat(new NDList(second.neg(), first), -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.mul(meanSquare.add(config.rmsNormEps()).pow(-0.5)).mul(weight);
    }

    private NDArray mlp(NDArray h, String prefix) {
        NDArray gate = linear(h, prefix + "mlp.gate_proj");
        NDArray up = linear(h, prefix + "mlp.up_proj");
        return linear(config.activation().apply(gate).mul(up), prefix + "mlp.down_proj");
    }

    private NDArray linear(NDArray x, String name) {
        NDArray y = x.matMul(attached(w(name + ".weight").transpose(), x.getManager()));
        NDArray bias = weights.get(name + ".bias");
        return bias == null ? y : y.add(bias);
    }

    private NDArray embed(NDArray ids, NDManager scratch) {
        return attached(w("model.embed_tokens.weight").get(new NDIndex("{}", ids)), scratch);
    }

    private NDArray lmHead(NDArray x) {
        String head = config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
        return x.matMul(attached(w(head).transpose(), x.getManager()));
    }

    private NDArray w(String name) {
        NDArray weight = weights.get(name);
        if (weight == null) {
            throw new IllegalStateException("no weight " + name);
        }
        return weight;
    }

    /** Results of operations on model-owned arrays belong to the model's manager; move them to scratch. */
    private static NDArray attached(NDArray array, NDManager scratch) {
        array.attach(scratch);
        return array;
    }

    /** All weights, for an optimizer. */
    public List<NDArray> parameters() {
        return new ArrayList<>(weights.values());
    }

    @Override
    public void close() {
        manager.close();
    }
}
