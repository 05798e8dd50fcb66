package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The journal's reader against every kind of change to its bytes: it returns one of the records written, or
 * refuses with {@link IllegalArgumentException}; an earlier record only when the change reaches no further back
 * than the entries after it, and never one older than the last entry's predecessor when only the last entry was
 * touched.
 */
class SpendJournalTest {
    final List<byte[]> records = List.of("{\"record\":1}".getBytes(StandardCharsets.UTF_8),
            "{\"record\":2,\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}".getBytes(StandardCharsets.UTF_8),
            "{\"record\":3}".getBytes(StandardCharsets.UTF_8));

    byte[] journal() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SpendJournal.HEADER);
        records.forEach(r -> out.writeBytes(SpendJournal.entry(r)));
        return out.toByteArray();
    }

    @Test
    void readsTheLastEntry() {
        SpendJournal.Scan scan = SpendJournal.scan(journal());
        assertArrayEquals(records.get(2), scan.record());
        assertEquals(journal().length, scan.end());
        assertEquals(3, scan.entries());
    }

    /** Which record a journal changed this way may read as: -1 for a refusal, else the records' indexes. */
    @Test
    void eachChangeReadsAsWhatItCanMean() {
        byte[] whole = journal();
        int[] ends = new int[records.size()];
        int end = SpendJournal.HEADER.length;
        for (int r = 0; r < records.size(); r++) {
            end += SpendJournal.entry(records.get(r)).length;
            ends[r] = end;
        }
        int lastStart = ends[1];
        Random random = new Random(20261203);
        int[] outcomes = new int[4];
        for (int i = 0; i < 20_000; i++) {
            byte[] changed = whole.clone();
            int from = random.nextInt(whole.length);
            List<Integer> allowed;
            int kind = random.nextInt(4);
            switch (kind) {
                case 0, 1 -> {
                    if (kind == 0) {
                        changed[from] ^= (byte) (1 << random.nextInt(8));
                    } else {
                        Arrays.fill(changed, from, Math.min(whole.length, from + 1 + random.nextInt(16)), (byte) 0);
                    }
                    // Only the last entry can be an interrupted append; a change before it is damage.
                    allowed = Arrays.equals(changed, whole) ? List.of(2) : from >= lastStart ? List.of(-1, 1)
                            : List.of(-1);
                }
                case 2 -> {
                    changed = Arrays.copyOf(whole, from);
                    int complete = -1;
                    for (int r = 0; r < ends.length; r++) {
                        if (ends[r] <= from) {
                            complete = r;
                        }
                    }
                    allowed = List.of(complete); // the last entry wholly kept; a refusal when there is none
                }
                default -> {
                    byte[] tail = new byte[1 + random.nextInt(40)];
                    random.nextBytes(tail);
                    changed = Arrays.copyOf(whole, whole.length + tail.length);
                    System.arraycopy(tail, 0, changed, whole.length, tail.length);
                    allowed = List.of(-1, 2);
                }
            }
            int read;
            try {
                byte[] record = SpendJournal.scan(changed).record();
                read = -2;
                for (int r = 0; r < records.size(); r++) {
                    if (Arrays.equals(records.get(r), record)) {
                        read = r;
                    }
                }
            } catch (IllegalArgumentException e) {
                read = -1;
            } catch (RuntimeException e) {
                fail("change " + kind + " at byte " + from + " threw " + e);
                return;
            }
            assertTrue(allowed.contains(read), "change " + kind + " at byte " + from + " read as " + read
                    + ", not one of " + allowed);
            outcomes[read + 1]++;
        }
        assertTrue(outcomes[0] > 500 && outcomes[1] > 500 && outcomes[2] > 500 && outcomes[3] > 500,
                "refused, first, second, third record: " + Arrays.toString(outcomes));
    }
}
