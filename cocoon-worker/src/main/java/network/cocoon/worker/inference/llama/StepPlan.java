package network.cocoon.worker.inference.llama;

import java.util.ArrayList;
import java.util.List;

/**
 * The index arrays of one forward step, built in Java once per step rather than per layer. Rows are
 * reordered so that every single-token chunk (decoding) comes first and shares one batched attention; the
 * longer chunks (prompts) follow in their given order.
 */
final class StepPlan {
    private static final float MASKED = -1e9f;

    final int rows;
    final long[] tokens;
    final long[] positions;
    /** Pool slot of every row's new key and value. */
    final long[] writeSlots;
    final int decodeRows;
    /** Keys every decoding row attends over: the longest such sequence, others padded. */
    final int decodeKeys;
    /** (decodeRows * decodeKeys) slots, row-major; padding repeats a valid slot and is masked. */
    final long[] decodeSlots;
    /** (decodeRows * decodeKeys) additive mask. */
    final float[] decodeMask;
    final List<LlamaModel.Chunk> prompts = new ArrayList<>();
    /** For each prompt chunk, the slots of positions 0 .. end. */
    final List<long[]> promptSlots = new ArrayList<>();
    /** For each chunk in the caller's order, its first row here. */
    private final int[] firstRow;
    private final int[] lengths;

    private StepPlan(List<LlamaModel.Chunk> chunks) {
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
        decodeKeys = longest;
        tokens = new long[total];
        positions = new long[total];
        writeSlots = new long[total];
        decodeSlots = new long[decode * longest];
        decodeMask = new float[decode * longest];
        int row = 0;
        for (int i = 0; i < n; i++) {
            LlamaModel.Chunk c = chunks.get(i);
            if (c.tokens().length != 1) {
                continue;
            }
            int keys = c.cache().length() + 1;
            for (int j = 0; j < longest; j++) {
                decodeSlots[row * longest + j] = c.cache().slot(j < keys ? j : 0);
                decodeMask[row * longest + j] = j < keys ? 0f : MASKED;
            }
            row = place(i, c, row);
        }
        for (int i = 0; i < n; i++) {
            LlamaModel.Chunk c = chunks.get(i);
            if (c.tokens().length == 1) {
                continue;
            }
            prompts.add(c);
            int end = c.cache().length() + c.tokens().length;
            long[] slots = new long[end];
            for (int j = 0; j < end; j++) {
                slots[j] = c.cache().slot(j);
            }
            promptSlots.add(slots);
            row = place(i, c, row);
        }
    }

    static StepPlan of(List<LlamaModel.Chunk> chunks) {
        return new StepPlan(chunks);
    }

    private int place(int chunk, LlamaModel.Chunk c, int row) {
        firstRow[chunk] = row;
        lengths[chunk] = c.tokens().length;
        int start = c.cache().length();
        for (int t = 0; t < c.tokens().length; t++) {
            tokens[row] = c.tokens()[t];
            positions[row] = start + t;
            writeSlots[row] = c.cache().slot(start + t);
            row++;
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
