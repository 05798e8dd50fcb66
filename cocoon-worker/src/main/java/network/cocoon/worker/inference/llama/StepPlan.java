package network.cocoon.worker.inference.llama;

import java.util.ArrayList;
import java.util.List;

/**
 * The index arrays of one forward step, built in Java once per step rather than per layer. Rows are
 * reordered so that every single-token chunk (decoding) comes first and shares one batched attention; the
 * longer chunks (prompts) follow in their given order.
 *
 * <p>Caches are read a whole {@link KvPool#BLOCK block} at a time, so the keys a row attends over are
 * padded to a multiple of the block (and, for decoding, to the longest sequence) and the padding masked.
 * Masking only works on finite values, so whenever a chunk's last position enters a block, the rest of that
 * block is zeroed in the same write as the new keys: a block that an earlier sequence left behind is
 * never read before it has been written or zeroed.
 */
final class StepPlan {
    private static final float MASKED = -1e9f;

    final int rows;
    final long[] tokens;
    final long[] positions;
    /**
     * Pool rows written by every layer: for each row, its new key of every head then its value of every head
     * (the order of a row's key and value heads in the fused projection), then the rows to zero
     * ({@link #zeroedSlots} slots, keys then values).
     */
    final long[] writeRows;
    /** Slots zeroed in every layer this step (see the class comment). */
    final int zeroedSlots;
    final int decodeRows;
    /** Keys every decoding row attends over: the longest such sequence, others padded, rounded up to blocks. */
    final int decodeKeys;
    /**
     * Pool block rows of every decoding sequence: keys then values, by sequence, head and block, so that the
     * gathered caches line up with the query heads as the projection lays them out (sequence, then head).
     */
    final long[] decodeBlocks;
    /** (decodeRows * decodeKeys) additive mask. */
    final float[] decodeMask;
    final List<LlamaModel.Chunk> prompts = new ArrayList<>();
    /** For each prompt chunk, its pool block rows as {@link #decodeBlocks}, covering positions 0 .. end. */
    final List<long[]> promptBlocks = new ArrayList<>();
    /** For each chunk in the caller's order, its first row here. */
    private final int[] firstRow;
    private final int[] lengths;

    private StepPlan(List<LlamaModel.Chunk> chunks, KvPool pool, int kvHeads) {
        int n = chunks.size();
        firstRow = new int[n];
        lengths = new int[n];
        int total = 0;
        int decode = 0;
        int longest = 0;
        for (LlamaModel.Chunk c : chunks) {
            total += c.tokens().length;
            if (c.tokens().length == 1) {
                decode++;
                longest = Math.max(longest, c.cache().length() + 1);
            }
        }
        rows = total;
        decodeRows = decode;
        int decodeBlockCount = blocksFor(longest);
        decodeKeys = decodeBlockCount * KvPool.BLOCK;
        tokens = new long[total];
        positions = new long[total];
        long[] writeSlots = new long[total];
        decodeMask = new float[decode * decodeKeys];
        long[][] decodeSequenceBlocks = new long[decode][];
        List<Long> zeroed = new ArrayList<>();
        int row = 0;
        for (int i = 0; i < n; i++) {
            LlamaModel.Chunk c = chunks.get(i);
            if (c.tokens().length != 1) {
                continue;
            }
            int keys = c.cache().length() + 1;
            for (int j = 0; j < decodeKeys; j++) {
                decodeMask[row * decodeKeys + j] = j < keys ? 0f : MASKED;
            }
            decodeSequenceBlocks[row] = blocks(c.cache(), keys, decodeBlockCount);
            row = place(i, c, row, writeSlots, zeroed);
        }
        decodeBlocks = blockRows(pool, kvHeads, decodeSequenceBlocks, decodeBlockCount);
        for (int i = 0; i < n; i++) {
            LlamaModel.Chunk c = chunks.get(i);
            if (c.tokens().length == 1) {
                continue;
            }
            prompts.add(c);
            int end = c.cache().length() + c.tokens().length;
            promptBlocks.add(blockRows(pool, kvHeads, new long[][] {blocks(c.cache(), end, blocksFor(end))},
                    blocksFor(end)));
            row = place(i, c, row, writeSlots, zeroed);
        }
        zeroedSlots = zeroed.size();
        writeRows = new long[2 * kvHeads * (total + zeroedSlots)];
        int at = 0;
        for (long slot : writeSlots) {
            for (boolean value : new boolean[] {false, true}) {
                for (int h = 0; h < kvHeads; h++) {
                    writeRows[at++] = pool.row(value, h, slot);
                }
            }
        }
        for (boolean value : new boolean[] {false, true}) {
            for (int h = 0; h < kvHeads; h++) {
                for (long slot : zeroed) {
                    writeRows[at++] = pool.row(value, h, slot);
                }
            }
        }
    }

    static StepPlan of(List<LlamaModel.Chunk> chunks, KvPool pool, int kvHeads) {
        return new StepPlan(chunks, pool, kvHeads);
    }

    /** Keys padded to whole blocks: the length of a gathered cache holding {@code keys}. */
    static int paddedKeys(int keys) {
        return blocksFor(keys) * KvPool.BLOCK;
    }

    private static int blocksFor(int keys) {
        return (keys + KvPool.BLOCK - 1) / KvPool.BLOCK;
    }

    /** The pool blocks holding positions 0 .. keys-1 of {@code cache}, padded with the zero block to {@code count}. */
    private static long[] blocks(KvCache cache, int keys, int count) {
        long[] out = new long[count];
        int used = blocksFor(keys);
        for (int b = 0; b < count; b++) {
            out[b] = b < used ? cache.slot(b * KvPool.BLOCK) / KvPool.BLOCK : KvPool.ZERO_BLOCK;
        }
        return out;
    }

    private static long[] blockRows(KvPool pool, int kvHeads, long[][] sequences, int count) {
        long[] out = new long[2 * kvHeads * sequences.length * count];
        int at = 0;
        for (boolean value : new boolean[] {false, true}) {
            for (long[] blocks : sequences) {
                for (int h = 0; h < kvHeads; h++) {
                    for (long block : blocks) {
                        out[at++] = pool.blockRow(value, h, block);
                    }
                }
            }
        }
        return out;
    }

    private int place(int chunk, LlamaModel.Chunk c, int row, long[] writeSlots, List<Long> zeroed) {
        firstRow[chunk] = row;
        lengths[chunk] = c.tokens().length;
        int start = c.cache().length();
        for (int t = 0; t < c.tokens().length; t++) {
            tokens[row] = c.tokens()[t];
            positions[row] = start + t;
            writeSlots[row] = c.cache().slot(start + t);
            row++;
        }
        int end = start + c.tokens().length;
        int lastBlockStart = (end - 1) / KvPool.BLOCK * KvPool.BLOCK;
        if (start <= lastBlockStart) {
            // The chunk enters its last block now: what an earlier sequence left after `end` is zeroed.
            long first = c.cache().slot(lastBlockStart);
            for (int p = end - lastBlockStart; p < KvPool.BLOCK; p++) {
                zeroed.add(first + p);
            }
        }
        return row;
    }

    /** Every row, in the caller's chunk order. */
    long[] rowsInChunkOrder() {
        long[] out = new long[rows];
        int at = 0;
        for (int i = 0; i < firstRow.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                out[at++] = firstRow[i] + t;
            }
        }
        return out;
    }

    /** The last row of each chunk, in the caller's chunk order. */
    long[] lastRowsInChunkOrder() {
        long[] out = new long[firstRow.length];
        for (int i = 0; i < firstRow.length; i++) {
            out[i] = firstRow[i] + lengths[i] - 1;
        }
        return out;
    }
}
