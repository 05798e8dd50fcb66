package network.cocoon.sdk.payment;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The layout of a channel's journal in {@link FileSpendStore}: a header line, then one entry per save, each
 * {@code length (4 bytes, big-endian) | its bitwise complement (4) | record | CRC-32C of all before it (4)}. The
 * last complete entry is the channel's record. The complement guards the length on its own: a damaged length in
 * the middle of a journal must not read as an entry that runs past the end of the file, which is what an
 * interrupted append looks like.
 *
 * <p>Appending an entry and forcing its data is one write and one {@code fdatasync}, against the two forces, the
 * new file and the rename that replacing a whole file costs. The price is that an append the process died in
 * can leave part of an entry at the end; {@link #scan} tells that apart from damage and ignores it, since the
 * save it belonged to never returned and so nothing it recorded was sent.
 */
final class SpendJournal {
    /** Names the format for anyone who opens the file; a file without it is not a journal. */
    static final byte[] HEADER = "cocoon spend journal 1\n".getBytes(StandardCharsets.US_ASCII);
    /** Far above the largest record ({@link ChannelRecord#MAX_PENDING} pending requests, two BoCs). */
    static final int MAX_RECORD_BYTES = 1 << 20;
    private static final int LENGTH_BYTES = 8;
    private static final int FRAME_BYTES = LENGTH_BYTES + 4;

    private SpendJournal() {
    }

    /** One entry: what {@link FileSpendStore} appends for a save. */
    static byte[] entry(byte[] record) {
        if (record.length == 0 || record.length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a journal entry holds 1 to " + MAX_RECORD_BYTES + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate(record.length + FRAME_BYTES);
        out.putInt(record.length).putInt(~record.length).put(record);
        out.putInt(checksum(out.array(), 0, LENGTH_BYTES + record.length));
        return out.array();
    }

    /** A whole journal holding only {@code record}: what a new or compacted journal starts as. */
    static byte[] fresh(byte[] record) {
        byte[] entry = entry(record);
        byte[] out = Arrays.copyOf(HEADER, HEADER.length + entry.length);
        System.arraycopy(entry, 0, out, HEADER.length, entry.length);
        return out;
    }

    /**
     * What a journal's bytes hold.
     *
     * @param record the last complete entry's record
     * @param end where that entry ends: the next save appends here, cutting off anything after it
     * @param entries how many complete entries the journal holds
     */
    record Scan(byte[] record, long end, int entries) {
    }

    /**
     * Reads a journal.
     *
     * <p>The bytes after the last complete entry are an interrupted append, and ignored, when they are a part of
     * one entry: shorter than a length and its complement, an entry whose intact length runs past the end of the
     * file, the last entry failing its checksum, or nothing but zeros (space the file system allocated but never
     * wrote). Anything else, a length that disagrees with its complement or that no record has, a bad entry
     * followed by more bytes, a file with no complete entry, is damage, and refused.
     *
     * @throws IllegalArgumentException naming the damage
     */
    static Scan scan(byte[] file) {
        if (file.length < HEADER.length || !Arrays.equals(file, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            throw new IllegalArgumentException("the file does not start with the journal's header");
        }
        int position = HEADER.length;
        int lastStart = -1;
        int lastLength = 0;
        int entries = 0;
        while (position < file.length) {
            int remaining = file.length - position;
            if (remaining < LENGTH_BYTES || zeros(file, position)) {
                break;
            }
            ByteBuffer lengths = ByteBuffer.wrap(file, position, LENGTH_BYTES);
            int length = lengths.getInt();
            if (lengths.getInt() != ~length) {
                throw new IllegalArgumentException("the length of an entry at byte " + position + " is damaged");
            }
            if (length <= 0 || length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("an entry at byte " + position + " declares an impossible length");
            }
            if ((long) length + FRAME_BYTES > remaining) {
                break;
            }
            int end = position + FRAME_BYTES + length;
            int stored = ByteBuffer.wrap(file, end - 4, 4).getInt();
            if (stored != checksum(file, position, LENGTH_BYTES + length)) {
                if (end == file.length) {
                    break;
                }
                throw new IllegalArgumentException("an entry at byte " + position
                        + " fails its checksum and more entries follow it");
            }
            lastStart = position + LENGTH_BYTES;
            lastLength = length;
            entries++;
            position = end;
        }
        if (lastStart < 0) {
            throw new IllegalArgumentException("the journal holds no complete entry");
        }
        return new Scan(Arrays.copyOfRange(file, lastStart, lastStart + lastLength), lastStart + lastLength + 4L,
                entries);
    }

    private static boolean zeros(byte[] file, int from) {
        for (int i = from; i < file.length; i++) {
            if (file[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int checksum(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
