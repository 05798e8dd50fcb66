package network.cocoon.worker.inference.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The keys and values of every running sequence, in one tensor per layer of shape (positions, kvHeads,
 * headDim). A sequence reserves its positions in blocks of {@value #BLOCK} when its cache is made and
 * returns them when the cache closes. One tensor per layer is what lets a decode step gather every
 * sequence's keys in one operation, whatever the batch size.
 *
 * <p>The pool grows by doubling when a reservation does not fit (one copy of what it holds) and never
 * shrinks. Confined to the thread that runs forward passes, like the model.
 */
final class KvPool implements AutoCloseable {
    static final int BLOCK = 16;
    private static final int INITIAL_POSITIONS = 1024;

    private final LlamaConfig config;
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final Deque<Integer> freeBlocks = new ArrayDeque<>();
    private int positions;

    KvPool(LlamaConfig config, NDManager parent) {
        this.config = config;
        this.manager = parent.newSubManager();
        this.keys = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
    }

    /** Slot numbers for positions {@code 0 .. capacity-1} of a new sequence. */
    long[] reserve(int capacity) {
        int blocks = (capacity + BLOCK - 1) / BLOCK;
        if (freeBlocks.size() < blocks) {
            grow(positions + (blocks - freeBlocks.size()) * BLOCK);
        }
        long[] slots = new long[capacity];
        for (int b = 0; b < blocks; b++) {
            int first = freeBlocks.pop() * BLOCK;
            for (int i = 0; i < BLOCK && b * BLOCK + i < capacity; i++) {
                slots[b * BLOCK + i] = first + i;
            }
        }
        return slots;
    }

    /** Returns a sequence's blocks; its slots are overwritten by later sequences before they are read. */
    void release(long[] slots) {
        for (int i = 0; i < slots.length; i += BLOCK) {
            freeBlocks.push((int) (slots[i] / BLOCK));
        }
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    /** Positions the pool holds now (for memory accounting). */
    int positions() {
        return positions;
    }

    private void grow(int needed) {
        int target = Math.max(positions == 0 ? INITIAL_POSITIONS : positions * 2, needed);
        target = (target + BLOCK - 1) / BLOCK * BLOCK;
        Shape shape = new Shape(target, config.kvHeads(), config.headDim());
        for (int layer = 0; layer < config.layers(); layer++) {
            keys[layer] = grown(keys[layer], shape);
            values[layer] = grown(values[layer], shape);
        }
        for (int block = positions / BLOCK; block < target / BLOCK; block++) {
            freeBlocks.addLast(block);
        }
        positions = target;
    }

    private NDArray grown(NDArray old, Shape shape) {
        NDArray fresh = manager.zeros(shape);
        if (old != null) {
            fresh.set(new NDIndex("0:" + positions), old);
            old.close();
        }
        return fresh;
    }

    @Override
    public void close() {
        manager.close();
    }
}
