package network.cocoon.worker.inference.llama;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The keys and values one sequence has computed so far, per layer, in buffers preallocated to the
 * sequence's largest possible length so that decoding writes in place instead of copying.
 */
public final class KvCache implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;

    /** A cache for up to {@code capacity} positions. */
    public KvCache(LlamaConfig config, NDManager parent, int capacity) {
        if (capacity < 1 || capacity > config.maxPositions()) {
            throw new IllegalArgumentException("cache capacity " + capacity + " outside [1, "
                    + config.maxPositions() + "]");
        }
        this.manager = parent.newSubManager();
        this.capacity = capacity;
        this.keys = new NDArray[config.layers()];
        this.values = new NDArray[config.layers()];
        Shape shape = new Shape(1, config.kvHeads(), capacity, config.headDim());
        for (int i = 0; i < config.layers(); i++) {
            keys[i] = manager.zeros(shape);
            values[i] = manager.zeros(shape);
        }
    }

    /** Positions filled so far. */
    public int length() {
        return length;
    }

    /** The most positions this cache holds. */
    public int capacity() {
        return capacity;
    }

    NDArray keys(int layer) {
        return keys[layer];
    }

    NDArray values(int layer) {
        return values[layer];
    }

    void advance(int positions) {
        length += positions;
    }

    @Override
    public void close() {
        manager.close();
    }
}
