package network.cocoon.worker.inference.llama;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.cocoon.worker.inference.LoadProgress;
import network.cocoon.worker.inference.checkpoint.Safetensors;
import network.cocoon.worker.inference.torchscript.Bfloat16Ops;
import network.cocoon.worker.inference.torchscript.Int8Ops;

/**
 * The Llama decoder in NDArray operations, written once for inference and training: token embeddings,
 * RMSNorm, rotary position embeddings, grouped-query attention (over a pooled KV cache when decoding), a
 * gated MLP and the LM head.
 *
 * <p>Weights are stored in serving layout: each layer's q, k and v projections as one matrix
 * ({@code self_attn.qkv_proj}) and its gate and up projections as one ({@code mlp.gate_up_proj}), so that a
 * layer runs four matrix products. {@link #toTensors()} gives them back in Hugging Face layout. A decode
 * step runs a fixed number of operations per layer whatever the batch size: every sequence's new keys are
 * written, and its cache gathered, by one operation each.
 *
 * <p>Thread confinement: one thread runs forward passes and makes and closes caches at a time (the
 * engine's scheduler).
 */
public final class LlamaModel implements AutoCloseable {
    private static final float MASKED = -1e9f;
    /** Largest magnitude float16 represents; weights beyond it are refused rather than turned into infinities. */
    private static final float FLOAT16_MAX = 65504f;
    /** Most rows a half-precision weight multiplies in half precision on a CPU (see {@link #linear}). */
    static final int HALF_PRECISION_MAX_ROWS = 8;
    /**
     * Most rows an int8 weight multiplies with the int8 kernel; more (prompts) multiply a widened float32 copy,
     * because the kernel's cost grows with rows faster than float32's product (measured: 1.3 times float32's
     * speed at 16 rows, half of it for 128-token prompts).
     */
    static final int INT8_KERNEL_MAX_ROWS = 16;
    private static final System.Logger LOG = System.getLogger(LlamaModel.class.getName());

    private final LlamaConfig config;
    private final WeightPrecision precision;
    private final NDManager manager;
    private final Map<String, NDArray> weights;
    private final NDArray ropeCos;
    /** The rotary sines with the first half of each row negated (see {@link #rope}). */
    private final NDArray ropeSignedSin;
    private final int ropePositions;
    private final KvPool pool;
    private final boolean isGpu;
    /** The products over bfloat16 weights; null for other precisions. */
    private final Bfloat16Ops bfloat16;
    /** The products over int8 weights, and each int8 matrix's row scales; null and empty for other precisions. */
    private final Int8Ops int8;
    /** float32 row scales of each int8 matrix, for embedding lookups and {@link #toTensors()}. */
    private final Map<String, NDArray> rowScales;
    /** The same scales in bfloat16, as the int8 product takes them. */
    private final Map<String, NDArray> productScales;
    /** How float32 products run on a CPU, by rows: timed on this model's weights as it loads. */
    private ProductPlan productPlan;


    private LlamaModel(LlamaConfig config, WeightPrecision precision, NDManager manager, Map<String, NDArray> weights,
                       int ropePositions, Bfloat16Ops bfloat16, Int8Ops int8, Map<String, NDArray> rowScales,
                       Map<String, NDArray> productScales) {
        this.config = config;
        this.bfloat16 = bfloat16;
        this.int8 = int8;
        this.rowScales = rowScales;
        this.productScales = productScales;
        this.precision = precision;
        this.manager = manager;
        this.weights = weights;
        this.ropePositions = ropePositions;
        int d = config.headDim();
        float[][] tables = RotaryTables.compute(config, ropePositions);
        this.ropeCos = manager.create(tables[0], new Shape(ropePositions, d));
        float[] signedSin = tables[1].clone();
        for (int row = 0; row < ropePositions; row++) {
            for (int c = 0; c < d / 2; c++) {
                signedSin[row * d + c] = -signedSin[row * d + c];
            }
        }
        this.ropeSignedSin = manager.create(signedSin, new Shape(ropePositions, d));
        this.pool = new KvPool(config, manager);
        this.isGpu = manager.getDevice().isGpu();
        if (isGpu || precision != WeightPrecision.FLOAT32) {
            this.productPlan = ProductPlan.linearOnly();
        } else {
            this.productPlan = ProductPlan.measure(layerMatrices(), manager);
            LOG.log(System.Logger.Level.INFO, "float32 products on this CPU: {0}", productPlan);
        }
    }

    /** Each layer's weight matrices, for timing the ways to multiply them. */
    private List<List<NDArray>> layerMatrices() {
        List<List<NDArray>> layers = new ArrayList<>();
        for (int layer = 0; layer < config.layers(); layer++) {
            String prefix = "model.layers." + layer + ".";
            layers.add(weights.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix) && e.getKey().endsWith("proj.weight"))
                    .map(Map.Entry::getValue).toList());
        }
        return layers;
    }

    /** Replaces the measured plan with a fixed one: for tests whose figures must not depend on the CPU. */
    void useProductPlan(ProductPlan plan) {
        this.productPlan = plan;
    }

    /**
     * Builds a float32 model from named tensors in Hugging Face layout.
     *
     * @param maxContext positions to support (at most the config's maximum)
     * @throws IOException if a tensor is missing or has the wrong shape
     */
    public static LlamaModel create(LlamaConfig config, Map<String, Safetensors.Tensor> tensors, Device device,
                                    int maxContext) throws IOException {
        return create(config, tensors, device, maxContext, WeightPrecision.FLOAT32, LoadProgress.NONE);
    }

    /** {@link #create(LlamaConfig, Map, Device, int)}, with progress in bytes copied to the device. */
    public static LlamaModel create(LlamaConfig config, Map<String, Safetensors.Tensor> tensors, Device device,
                                    int maxContext, LoadProgress progress) throws IOException {
        return create(config, tensors, device, maxContext, WeightPrecision.FLOAT32, progress);
    }

    /**
     * Builds a model whose matrices are stored in {@code precision}.
     *
     * @throws IOException if a tensor is missing, has the wrong shape, or (for float16) holds a value beyond
     *     float16's range
     */
    public static LlamaModel create(LlamaConfig config, Map<String, Safetensors.Tensor> tensors, Device device,
                                    int maxContext, WeightPrecision precision, LoadProgress progress)
            throws IOException {
        Map<String, long[]> expected = expectedShapes(config);
        for (String name : tensors.keySet()) {
            // Old checkpoints store the rotary frequencies as a buffer; they are recomputed from the config.
            if (!expected.containsKey(name) && !name.endsWith(".rotary_emb.inv_freq")) {
                throw new IOException("checkpoint has tensor " + name + ", which this configuration does not use");
            }
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            Safetensors.Tensor t = tensors.get(e.getKey());
            if (t == null) {
                throw new IOException("checkpoint lacks tensor " + e.getKey());
            }
            if (!java.util.Arrays.equals(t.shape(), e.getValue())) {
                throw new IOException("tensor " + e.getKey() + " has shape " + java.util.Arrays.toString(t.shape())
                        + ", expected " + java.util.Arrays.toString(e.getValue()));
            }
        }
        long total = 0;
        for (String name : expected.keySet()) {
            total += 4L * tensors.get(name).data().length;
        }
        long[] done = {0};
        progress.update("to device", 0, total);
        network.cocoon.worker.inference.NativeThreads.beforeLoadingPyTorch();
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Bfloat16Ops bfloat16 = precision == WeightPrecision.BFLOAT16 ? Bfloat16Ops.load(manager) : null;
            Int8Ops int8 = precision == WeightPrecision.INT8 ? Int8Ops.load(manager) : null;
            Map<String, NDArray> rowScales = new LinkedHashMap<>();
            Map<String, NDArray> productScales = new LinkedHashMap<>();
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, List<String>> e : servingLayout(config).entrySet()) {
                List<String> parts = e.getValue();
                boolean matrix = storedInPrecision(precision, e.getKey());
                float[] data = parts.size() == 1 ? tensors.get(parts.get(0)).data()
                        : concat(parts.stream().map(p -> tensors.get(p).data()).toList());
                long[] first = tensors.get(parts.get(0)).shape();
                long[] shape = first.clone();
                shape[0] = 0;
                for (String p : parts) {
                    shape[0] += tensors.get(p).shape()[0];
                }
                if (matrix && precision == WeightPrecision.FLOAT16) {
                    requireFloat16Range(e.getKey(), data);
                }
                NDArray array;
                if (matrix && int8 != null) {
                    int rows = (int) shape[0];
                    int columns = data.length / rows;
                    if (columns % Int8Ops.INPUT_MULTIPLE != 0) {
                        throw new IOException("tensor " + e.getKey() + " has " + columns + " columns; int8 weights need "
                                + "a multiple of " + Int8Ops.INPUT_MULTIPLE + ": load it in another precision");
                    }
                    Int8Rows q = Int8Rows.quantize(e.getKey(), data, rows, columns);
                    array = manager.create(java.nio.ByteBuffer.wrap(q.values()), new Shape(shape), DataType.INT8);
                    NDArray scales = manager.create(q.scales());
                    rowScales.put(e.getKey(), scales);
                    productScales.put(e.getKey(), int8.productScales(scales));
                } else {
                    array = manager.create(data, new Shape(shape));
                }
                if (matrix && bfloat16 != null) {
                    NDArray narrowed = bfloat16.narrow(array);
                    array.close();
                    array = narrowed;
                } else if (matrix && precision == WeightPrecision.FLOAT16) {
                    NDArray narrowed = array.toType(precision.dataType(), false);
                    array.close();
                    array = narrowed;
                }
                weights.put(e.getKey(), array);
                done[0] += 4L * data.length;
                progress.update("to device", done[0], total);
            }
            return new LlamaModel(config, precision, manager, weights, Math.min(maxContext, config.maxPositions()),
                    bfloat16, int8, rowScales, productScales);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Whether a weight is stored in {@code precision}: all but the norm weights, which stay float32, and for
     * int8 the biases too.
     */
    private static boolean storedInPrecision(WeightPrecision precision, String name) {
        boolean norm = name.endsWith("norm.weight");
        return precision == WeightPrecision.INT8 ? !norm && name.endsWith(".weight") : !norm;
    }

    private static void requireFloat16Range(String name, float[] data) throws IOException {
        for (float v : data) {
            if (!(Math.abs(v) <= FLOAT16_MAX)) {
                throw new IOException("tensor " + name + " holds " + v + ", outside float16's range: load it as float32");
            }
        }
    }

    private static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
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

    /** Each stored tensor and the checkpoint tensors it concatenates along its first dimension, in order. */
    static Map<String, List<String>> servingLayout(LlamaConfig c) {
        Map<String, List<String>> layout = new LinkedHashMap<>();
        for (String name : expectedShapes(c).keySet()) {
            String fused = fusedName(name);
            layout.computeIfAbsent(fused, k -> new ArrayList<>()).add(name);
        }
        return layout;
    }

    private static String fusedName(String name) {
        for (String p : new String[] {"q_proj", "k_proj", "v_proj"}) {
            if (name.contains("self_attn." + p + ".")) {
                return name.replace(p, "qkv_proj");
            }
        }
        for (String p : new String[] {"gate_proj", "up_proj"}) {
            if (name.contains("mlp." + p + ".")) {
                return name.replace(p, "gate_up_proj");
            }
        }
        return name;
    }

    /** The configuration. */
    public LlamaConfig config() {
        return config;
    }

    /** How the matrices are stored. */
    public WeightPrecision precision() {
        return precision;
    }

    /** The manager owning the weights; caches and scratch managers hang below it. */
    public NDManager manager() {
        return manager;
    }

    /** The longest sequence this instance supports. */
    public int maxContext() {
        return ropePositions;
    }

    /**
     * The stored weights in serving layout (fused {@code qkv_proj} and {@code gate_up_proj}), for training
     * (attach gradients) and for counting bytes.
     */
    public Map<String, NDArray> weights() {
        return weights;
    }

    /** Bytes the stored weights take on the device: what a decode step reads. */
    public long weightBytes() {
        // DJL reads bfloat16 tensors' type as UNKNOWN, so the sizes come from the precision.
        long bytes = 0;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            boolean matrix = storedInPrecision(precision, e.getKey());
            bytes += e.getValue().getShape().size() * (matrix ? precision.bytesPerElement() : Float.BYTES);
        }
        for (NDArray scales : productScales.values()) {
            bytes += scales.getShape().size() * 2; // bfloat16
        }
        return bytes;
    }

    /** Where the weights live. */
    public Device device() {
        return manager.getDevice();
    }

    /** The weights as float32 tensors in Hugging Face layout (fused matrices split again). */
    public Map<String, Safetensors.Tensor> toTensors() {
        Map<String, long[]> shapes = expectedShapes(config);
        Map<String, Safetensors.Tensor> out = new LinkedHashMap<>();
        servingLayout(config).forEach((fused, parts) -> {
            NDArray w = weights.get(fused);
            NDArray scales = rowScales.get(fused);
            float[] data;
            if (scales != null) {
                // Exact: an int8 value times a bfloat16 scale needs at most 16 significant bits.
                try (NDArray wide = w.toType(DataType.FLOAT32, false);
                     NDArray column = scales.expandDims(1);
                     NDArray product = wide.mul(column)) {
                    data = product.toFloatArray();
                }
            } else {
                data = w.getDataType() == DataType.FLOAT32 ? w.toFloatArray() // bfloat16 reads as UNKNOWN
                        : w.toType(DataType.FLOAT32, false).toFloatArray();
            }
            int at = 0;
            for (String p : parts) {
                long[] shape = shapes.get(p);
                int n = (int) new Shape(shape).size();
                out.put(p, new Safetensors.Tensor(shape, java.util.Arrays.copyOfRange(data, at, at + n)));
                at += n;
            }
        });
        Map<String, Safetensors.Tensor> ordered = new LinkedHashMap<>();
        shapes.keySet().forEach(name -> ordered.put(name, out.get(name)));
        return ordered;
    }

    /** A new KV cache for one sequence of up to {@code capacity} positions, reserved in the model's pool. */
    public KvCache newCache(int capacity) {
        return new KvCache(pool, Math.min(capacity, ropePositions));
    }

    /** The KV pool, for tests that look inside it. */
    KvPool kvPool() {
        return pool;
    }

    /** Positions the KV pool holds now, free or reserved. */
    public int kvPoolPositions() {
        return pool.positions();
    }

    /** One sequence's new tokens and its cache. */
    public record Chunk(long[] tokens, KvCache cache) {
    }

    /**
     * Runs new tokens of several sequences through the model at once (prefill, decode or both), appending
     * their keys and values to each sequence's cache. Projections and MLPs run on all rows together; the
     * attention of every single-token chunk (decoding) runs as one batched product over the gathered caches,
     * and each longer chunk (a prompt) attends on its own.
     *
     * @param allPositions whether to return logits for every new position (rows in chunk order) or only
     *     for the last position of each chunk
     * @return logits, float32, shape (rows, vocab); the caller closes {@code scratch}
     */
    public NDArray forward(List<Chunk> chunks, boolean allPositions, NDManager scratch) {
        for (Chunk c : chunks) {
            if (c.tokens().length == 0) {
                throw new IllegalArgumentException("a chunk needs at least one token");
            }
            if (c.cache().length() + c.tokens().length > c.cache().capacity()) {
                throw new IllegalArgumentException("sequence exceeds its cache capacity " + c.cache().capacity());
            }
        }
        StepPlan plan = StepPlan.of(chunks, pool, config.kvHeads());
        int d = config.headDim();
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        NDArray x = embed(scratch.create(plan.tokens), scratch);
        NDArray positions = scratch.create(plan.positions);
        NDArray cos = attached(ropeCos.get(new NDIndex("{}", positions)), scratch).reshape(plan.rows, 1, d);
        NDArray sin = attached(ropeSignedSin.get(new NDIndex("{}", positions)), scratch).reshape(plan.rows, 1, d);
        NDIndex writeRows = new NDIndex("{}", scratch.create(plan.writeRows));
        NDArray zeros = plan.zeroedSlots == 0 ? null : scratch.zeros(new Shape(2L * kvHeads * plan.zeroedSlots, d));
        NDArray decodeBlocks = plan.decodeRows == 0 ? null : scratch.create(plan.decodeBlocks);
        NDArray decodeMask = plan.decodeRows == 0 ? null
                : scratch.create(plan.decodeMask, new Shape(plan.decodeRows, 1, plan.decodeKeys));
        List<NDArray> promptBlocks = new ArrayList<>();
        List<NDArray> promptMasks = new ArrayList<>();
        for (int i = 0; i < plan.prompts.size(); i++) {
            Chunk c = plan.prompts.get(i);
            promptBlocks.add(scratch.create(plan.promptBlocks.get(i)));
            int keys = StepPlan.paddedKeys(c.cache().length() + c.tokens().length);
            NDArray mask = causalMask(c.cache().length(), c.tokens().length, keys, scratch);
            promptMasks.add(config.groupSize() == 1 ? mask : mask.tile(new long[] {config.groupSize(), 1}));
        }
        double scale = 1.0 / Math.sqrt(d);
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            NDArray h = rmsNorm(x, w(p + "input_layernorm.weight"));
            NDArray qkv = linear(h, p + "self_attn.qkv_proj").reshape(plan.rows, heads + 2L * kvHeads, d);
            ropeInPlace(qkv.get(new NDIndex(":, :" + (heads + kvHeads))), cos, sin);
            NDArray q = qkv.get(new NDIndex(":, :" + heads));
            // Each row's key heads then value heads, as they lie in qkv: the order of plan.writeRows.
            NDArray written = qkv.get(new NDIndex(":, " + heads + ":")).reshape(-1, d);
            pool.rows(layer).set(writeRows, zeros == null ? written : NDArrays.concat(new NDList(written, zeros), 0));
            NDList outputs = new NDList();
            if (plan.decodeRows > 0) {
                NDArray dq = plan.decodeRows == plan.rows ? q : q.get(new NDIndex(":" + plan.decodeRows));
                outputs.add(decodeAttention(dq.mul(scale), layer, decodeBlocks, decodeMask, plan.decodeRows,
                        plan.decodeKeys));
            }
            int row = plan.decodeRows;
            for (int i = 0; i < plan.prompts.size(); i++) {
                int t = plan.prompts.get(i).tokens().length;
                NDArray pq = plan.rows == t ? q : q.get(new NDIndex(row + ":" + (row + t)));
                outputs.add(promptAttention(pq.mul(scale), layer, promptBlocks.get(i), promptMasks.get(i), t));
                row += t;
            }
            NDArray attention = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
            x = x.add(linear(attention, p + "self_attn.o_proj"));
            x = x.add(mlp(rmsNorm(x, w(p + "post_attention_layernorm.weight")), p));
        }
        for (Chunk c : chunks) {
            c.cache().advance(c.tokens().length);
        }
        long[] select = allPositions ? plan.rowsInChunkOrder() : plan.lastRowsInChunkOrder();
        if (!isIdentity(select, plan.rows)) {
            x = x.get(new NDIndex("{}", scratch.create(select)));
        }
        return lmHead(rmsNorm(x, w("model.norm.weight")));
    }

    private static boolean isIdentity(long[] select, int rows) {
        if (select.length != rows) {
            return false;
        }
        for (int i = 0; i < rows; i++) {
            if (select[i] != i) {
                return false;
            }
        }
        return true;
    }

    /**
     * Attention of {@code b} single-token queries (b, heads, d) against their sequences' caches, padded to
     * {@code keys} (padding is masked). The caches come out of one block gather as (b * kvHeads, keys, d), so
     * each key/value head of each sequence serves its {@code g} query heads as one (g x d)(d x keys) product of
     * a batched product that reads the gathered keys in place, and the queries and the result need no
     * reordering.
     *
     * @param q contiguous
     * @param blocks the pool block rows of every sequence ({@link StepPlan#decodeBlocks})
     * @param mask (b, 1, keys) additive
     */
    private NDArray decodeAttention(NDArray q, int layer, NDArray blocks, NDArray mask, int b, int keys) {
        int kvHeads = config.kvHeads();
        int g = config.groupSize();
        int d = config.headDim();
        NDArray cache = gather(pool.blocks(layer), blocks).reshape(2, (long) b * kvHeads, keys, d);
        NDArray scores = q.reshape((long) b * kvHeads, g, d).batchMatMul(cache.get(0).transpose(0, 2, 1))
                .reshape(b, (long) kvHeads * g, keys).add(mask);
        return scores.softmax(-1).reshape((long) b * kvHeads, g, keys).batchMatMul(cache.get(1))
                .reshape(b, (long) config.heads() * d);
    }

    /**
     * Attention of one prompt chunk's {@code t} queries (t, heads, d) against its cache: each key/value head
     * serves its {@code g} query heads as one (g * t) x keys product. {@code mask} is the causal mask, keys
     * padded to whole blocks, tiled to (g * t, keys).
     */
    private NDArray promptAttention(NDArray q, int layer, NDArray blocks, NDArray mask, int t) {
        int kvHeads = config.kvHeads();
        int g = config.groupSize();
        int d = config.headDim();
        long keys = mask.getShape().get(1);
        NDArray cache = gather(pool.blocks(layer), blocks).reshape(2, kvHeads, keys, d);
        NDArray k = cache.get(0);
        NDArray v = cache.get(1);
        NDArray grouped = q.reshape(t, kvHeads, g, d).transpose(1, 2, 0, 3).reshape(kvHeads, (long) g * t, d);
        NDArray scores = grouped.batchMatMul(k.transpose(0, 2, 1)).add(mask);
        return scores.softmax(-1).batchMatMul(v).reshape(kvHeads, g, t, d).transpose(2, 0, 1, 3)
                .reshape(t, (long) config.heads() * d);
    }

    /**
     * Rows {@code rows} of {@code matrix}, owned by {@code rows}' manager: a row gather (index_select), which
     * copies whole rows where advanced indexing copies element by element.
     */
    private static NDArray gather(NDArray matrix, NDArray rows) {
        return Embedding.embedding(rows, matrix, SparseFormat.DENSE).singletonOrThrow();
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
        int heads = config.heads();
        int kvHeads = config.kvHeads();
        NDArray x = embed(tokens, scratch);
        NDArray cos = attached(ropeCos.get(new NDIndex(":" + length)), scratch).reshape(1, length, 1, d);
        NDArray sin = attached(ropeSignedSin.get(new NDIndex(":" + length)), scratch).reshape(1, length, 1, d);
        NDArray mask = causalMask(0, length, length, scratch);
        for (int layer = 0; layer < config.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            NDArray h = rmsNorm(x, w(p + "input_layernorm.weight"));
            NDArray qkv = linear(h, p + "self_attn.qkv_proj").reshape(batch, length, heads + 2L * kvHeads, d);
            NDArray qk = rope(qkv.get(new NDIndex(":, :, :" + (heads + kvHeads))), cos, sin);
            NDArray q = qk.get(new NDIndex(":, :, :" + heads)).transpose(0, 2, 1, 3);
            NDArray k = qk.get(new NDIndex(":, :, " + heads + ":")).transpose(0, 2, 1, 3);
            NDArray v = qkv.get(new NDIndex(":, :, " + (heads + kvHeads) + ":")).transpose(0, 2, 1, 3);
            NDArray out = attend(q, k, v, mask, batch, length, length);
            NDArray merged = out.transpose(0, 2, 1, 3).reshape(batch, length, (long) heads * d);
            x = x.add(linear(merged, p + "self_attn.o_proj"));
            x = x.add(mlp(rmsNorm(x, w(p + "post_attention_layernorm.weight")), p));
        }
        return lmHead(rmsNorm(x, w("model.norm.weight")));
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

    /** Additive mask (queries, keys): query i at position start+i sees keys 0..start+i. */
    private static NDArray causalMask(int start, int queries, int keys, NDManager scratch) {
        NDArray queryPositions = scratch.arange(start, start + queries).reshape(queries, 1);
        NDArray keyPositions = scratch.arange(0, keys).reshape(1, keys);
        return keyPositions.gt(queryPositions).toType(DataType.FLOAT32, false).mul(MASKED);
    }

    /** {@link #rope}, written over {@code x} (a view into the projection, so that keys and values stay side by side). */
    private static void ropeInPlace(NDArray x, NDArray cos, NDArray signedSin) {
        NDArray rotated = swapHalves(x).muli(signedSin);
        x.muli(cos).addi(rotated);
    }

    /** {@code cat(x2, x1)} over the last dimension, by one flip: an element copy. */
    private static NDArray swapHalves(NDArray x) {
        long[] shape = x.getShape().getShape();
        long[] halves = java.util.Arrays.copyOf(shape, shape.length + 1);
        halves[shape.length - 1] = 2;
        halves[shape.length] = shape[shape.length - 1] / 2;
        return x.reshape(new Shape(halves)).flip(shape.length - 1).reshape(x.getShape());
    }

    /**
     * Rotary embedding in the Hugging Face "rotate half" form over the last dimension:
     * {@code x cos + cat(-x2, x1) sin == x cos + cat(x2, x1) signedSin}, the halves swapped by one flip (an
     * element copy) rather than a product, which on a CPU would wake the matrix library's threads.
     */
    private static NDArray rope(NDArray x, NDArray cos, NDArray signedSin) {
        return x.mul(cos).add(swapHalves(x).mul(signedSin));
    }

    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray meanSquare = x.square().mean(new int[] {-1}, true);
        return x.mul(meanSquare.add(config.rmsNormEps()).pow(-0.5)).mul(weight);
    }

    private NDArray mlp(NDArray h, String prefix) {
        NDArray gateUp = linear(h, prefix + "mlp.gate_up_proj");
        NDList halves = gateUp.split(2, gateUp.getShape().dimension() - 1);
        return linear(config.activation().apply(halves.get(0)).mul(halves.get(1)), prefix + "mlp.down_proj");
    }

    /**
     * {@code x W^T + b} in one operation. bfloat16 weights multiply a bfloat16 copy of {@code x} whatever its
     * rows (PyTorch's bfloat16 CPU product gains on float32's with rows). int8 weights run the int8 kernel up to
     * {@link #INT8_KERNEL_MAX_ROWS} rows and a widened float32 copy above. Half-precision weights multiply a
     * half-precision copy of {@code x}
     * when it has few rows (decoding); on a CPU, for more rows (prompts, large batches) the weight is widened
     * to float32 for the product instead, because PyTorch's half-precision CPU matrix product slows down
     * with rows faster than its float32 one (measured: equal near 8 rows, 3.2 times slower at 128).
     */
    private NDArray linear(NDArray x, String name) {
        NDArray weight = w(name + ".weight");
        NDArray bias = weights.get(name + ".bias");
        if (precision == WeightPrecision.FLOAT32) {
            return productPlan.weightTimesRows(rows(x)) ? weightTimesRows(x, weight, bias)
                    : Linear.linear(x, weight, bias).singletonOrThrow();
        }
        if (bfloat16 != null) {
            return bias == null ? bfloat16.linear(x, weight) : bfloat16.linear(x, weight, bias);
        }
        if (int8 != null) {
            if (rows(x) > INT8_KERNEL_MAX_ROWS) {
                NDArray scales = rowScales.get(name + ".weight");
                return bias == null ? int8.linearWidened(x, weight, scales)
                        : int8.linearWidened(x, weight, scales, bias);
            }
            NDArray scales = productScales.get(name + ".weight");
            return bias == null ? int8.linear(x, weight, scales) : int8.linear(x, weight, scales, bias);
        }
        if (rows(x) > HALF_PRECISION_MAX_ROWS && !isGpu) {
            NDManager scratch = x.getManager();
            return Linear.linear(x, attached(weight.toType(DataType.FLOAT32, false), scratch),
                    bias == null ? null : attached(bias.toType(DataType.FLOAT32, false), scratch)).singletonOrThrow();
        }
        NDArray narrow = x.toType(precision.dataType(), false);
        return Linear.linear(narrow, weight, bias).singletonOrThrow().toType(DataType.FLOAT32, false);
    }

    private static long rows(NDArray x) {
        return x.getShape().size() / x.getShape().get(x.getShape().dimension() - 1);
    }

    /**
     * {@code x W^T + b} on a CPU, computed as {@code (W x^T)^T}: the same product, which PyTorch's CPU matrix
     * product (MKL) runs faster than {@code linear} for some row counts on some CPUs ({@link ProductPlan}).
     */
    private static NDArray weightTimesRows(NDArray x, NDArray weight, NDArray bias) {
        Shape shape = x.getShape();
        long in = shape.get(shape.dimension() - 1);
        long out = weight.getShape().get(0);
        NDArray rows = shape.dimension() == 2 ? x : x.reshape(-1, in);
        // The weight's manager would own the product and keep it for the model's life: it goes to the input's.
        NDArray product = attached(weight.matMul(rows.transpose()), x.getManager()).transpose();
        if (bias != null) {
            product = product.add(bias);
        }
        if (shape.dimension() == 2) {
            return product;
        }
        long[] outShape = shape.getShape();
        outShape[outShape.length - 1] = out;
        return product.reshape(new Shape(outShape));
    }

    private NDArray embed(NDArray ids, NDManager scratch) {
        NDArray rows = attached(w("model.embed_tokens.weight").get(new NDIndex("{}", ids)), scratch);
        if (precision == WeightPrecision.FLOAT32) {
            return rows;
        }
        NDArray wide = attached(rows.toType(DataType.FLOAT32, false), scratch);
        NDArray scales = rowScales.get("model.embed_tokens.weight");
        if (scales == null) {
            return wide;
        }
        NDArray rowScale = attached(scales.get(new NDIndex("{}", ids)), scratch);
        return wide.mul(rowScale.expandDims(-1));
    }

    private NDArray lmHead(NDArray x) {
        return linear(x, config.tieWordEmbeddings() ? "model.embed_tokens" : "lm_head");
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
        pool.close();
        if (bfloat16 != null) {
            bfloat16.close();
        }
        if (int8 != null) {
            int8.close();
        }
        manager.close();
    }
}
