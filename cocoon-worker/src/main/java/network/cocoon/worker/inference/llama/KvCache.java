package network.cocoon.worker.inference.llama;

/**
 * One sequence's place in the model's key/value pool: a slot for each position it may reach, reserved
 * when the cache is made so that decoding never waits for memory, and returned on {@link #close()}.
 */
public final class KvCache implements AutoCloseable {
    private final KvPool pool;
    private final long[] slots;
    private int length;
    private boolean closed;

    KvCache(KvPool pool, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("cache capacity " + capacity + " is below 1");
        }
        this.pool = pool;
        this.slots = pool.reserve(capacity);
    }

    /** Positions filled so far. */
    public int length() {
        return length;
    }

    /** The most positions this cache holds. */
    public int capacity() {
        return slots.length;
    }

    /** The pool slot of position {@code position}. */
    long slot(int position) {
        return slots[position];
    }

    void advance(int positions) {
        length += positions;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            pool.release(slots);
        }
    }
}
