package network.cocoon.worker.inference.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The keys and values of every running sequence: one matrix per layer whose rows are one key or value head
 * of one position. Rows are head-major, keys first: the key of head {@code h} at slot {@code s} is row
 * {@code h * positions + s}, its value row {@code (kvHeads + h) * positions + s}.
 *
 * <p>A sequence reserves its slots in blocks of {@value #BLOCK} consecutive slots when its cache is made and
 * returns them when the cache closes. Because a block's slots are consecutive in every head, the same storage
 * read as (rows / {@value #BLOCK}, {@value #BLOCK} * headDim) has one block of one head per row: a step gathers
 * every sequence's keys and values with one gather of whole blocks ({@link #blocks}), whatever the batch size,
 * and the result is already the (sequences * heads, keys, headDim) layout a batched product reads in place
 * (the gather orders its rows so; see {@link StepPlan#decodeBlocks}).
 *
 * <p>Block 0 is never handed out and stays zero: it pads sequences shorter than the longest in a step. Slots a
 * sequence has reserved but not written hold whatever an earlier sequence left there; the forward pass zeroes
 * the rest of a block as a sequence enters it ({@link StepPlan}), so a block gather never reads another
 * sequence's values (which could be infinite, and would poison a masked product).
 *
 * <p>The pool grows by doubling when a reservation does not fit (one copy of what it holds) and never
 * shrinks. Confined to the thread that runs forward passes, like the model.
 */
final class KvPool implements AutoCloseable {
    static final int BLOCK = 16;
    /** The block that pads: never reserved, never written. */
    static final int ZERO_BLOCK = 0;
    private static final int INITIAL_POSITIONS = 1024;

    private final LlamaConfig config;
    private final NDManager manager;
    /** Per layer: (2 * kvHeads * positions, headDim). */
    private final NDArray[] rows;
    /** Per layer: the same storage as (2 * kvHeads * positions / BLOCK, BLOCK * headDim). */
    private final NDArray[] blocks;
    private final Deque<Integer> freeBlocks = new ArrayDeque<>();
    private int positions;

    KvPool(LlamaConfig config, NDManager parent) {
        this.config = config;
        this.manager = parent.newSubManager();
        this.rows = new NDArray[config.layers()];
        this.blocks = new NDArray[config.layers()];
    }

    /** Slot numbers for positions {@code 0 .. capacity-1} of a new sequence. */
    long[] reserve(int capacity) {
        int needed = (capacity + BLOCK - 1) / BLOCK;
        if (freeBlocks.size() < needed) {
            grow(Math.max(positions, BLOCK) + (needed - freeBlocks.size()) * BLOCK);
        }
        long[] slots = new long[capacity];
        for (int b = 0; b < needed; b++) {
            int first = freeBlocks.pop() * BLOCK;
            for (int i = 0; i < BLOCK && b * BLOCK + i < capacity; i++) {
                slots[b * BLOCK + i] = first + i;
            }
        }
        return slots;
    }

    /** Returns a sequence's blocks; a later sequence zeroes what it reads before reading it. */
    void release(long[] slots) {
        for (int i = 0; i < slots.length; i += BLOCK) {
            freeBlocks.push((int) (slots[i] / BLOCK));
        }
    }

    /** A layer's keys and values, one head of one position per row (for writing). */
    NDArray rows(int layer) {
        return rows[layer];
    }

    /** A layer's keys and values, one block of one head per row (for gathering). */
    NDArray blocks(int layer) {
        return blocks[layer];
    }

    /** Row of the key ({@code value == false}) or value of head {@code head} at {@code slot}. */
    long row(boolean value, int head, long slot) {
        return ((value ? config.kvHeads() : 0) + head) * (long) positions + slot;
    }

    /** Row in {@link #blocks} of the key or value block {@code block} of head {@code head}. */
    long blockRow(boolean value, int head, long block) {
        return ((value ? config.kvHeads() : 0) + head) * (long) (positions / BLOCK) + block;
    }

    /** Positions the pool holds now (for memory accounting); the row numbers above hold until it grows. */
    int positions() {
        return positions;
    }

    private void grow(int needed) {
        int target = Math.max(positions == 0 ? INITIAL_POSITIONS : positions * 2, needed);
        target = (target + BLOCK - 1) / BLOCK * BLOCK;
        int heads = 2 * config.kvHeads();
        int d = config.headDim();
        for (int layer = 0; layer < config.layers(); layer++) {
            NDArray fresh = manager.zeros(new Shape((long) heads * target, d));
            if (rows[layer] != null) {
                try (NDManager scratch = manager.newSubManager()) {
                    NDArray from = rows[layer].reshape(heads, positions, d);
                    from.attach(scratch);
                    NDArray to = fresh.reshape(heads, target, d);
                    to.attach(scratch);
                    to.set(new NDIndex(":, 0:" + positions), from);
                }
                blocks[layer].close();
                rows[layer].close();
            }
            rows[layer] = fresh;
            blocks[layer] = fresh.reshape((long) heads * target / BLOCK, (long) BLOCK * d);
        }
        for (int block = Math.max(positions / BLOCK, ZERO_BLOCK + 1); block < target / BLOCK; block++) {
            freeBlocks.addLast(block);
        }
        positions = target;
    }

    @Override
    public void close() {
        manager.close();
    }
}
