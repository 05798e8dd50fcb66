package network.cocoon.sdk.ton;

import java.nio.ByteBuffer;

/**
 * Checks a bag of cells' header before a parser reads it, so that no declared count or size can make the parser
 * allocate more than the input justifies: one root, at most a given number of cells, no absent cells, no index,
 * and lengths that add up to exactly the input's. Payment documents also require the CRC32-C; stack cells from
 * tonlib come without one.
 */
public final class BagOfCellsHeader {
    private static final int MAGIC = 0xb5ee9c72;

    private BagOfCellsHeader() {
    }

    /**
     * Checks the header.
     *
     * @param boc the bag of cells
     * @param maxCells the most cells it may declare
     * @param crcRequired whether the CRC32-C must be present
     * @throws IllegalArgumentException with a fixed text naming what is wrong
     */
    public static void check(byte[] boc, int maxCells, boolean crcRequired) {
        ByteBuffer in = ByteBuffer.wrap(boc);
        if (boc.length < 6 || in.getInt() != MAGIC) {
            throw new IllegalArgumentException("not a bag of cells (magic b5ee9c72)");
        }
        int flags = in.get() & 0xff;
        boolean index = (flags & 0x80) != 0;
        boolean crc = (flags & 0x40) != 0;
        int size = flags & 0x07;
        int offsetBytes = in.get() & 0xff;
        if (index || (crcRequired && !crc) || (flags & 0x38) != 0 || size < 1 || size > 4 || offsetBytes < 1
                || offsetBytes > 8) {
            throw new IllegalArgumentException("bag of cells header is not of the accepted form");
        }
        if (in.remaining() < 3 * size + offsetBytes) {
            throw new IllegalArgumentException("bag of cells ends inside its header");
        }
        long cells = unsigned(in, size);
        long roots = unsigned(in, size);
        long absent = unsigned(in, size);
        long total = unsigned(in, offsetBytes);
        if (cells < 1 || cells > maxCells || roots != 1 || absent != 0) {
            throw new IllegalArgumentException("a bag of cells here is one root of at most " + maxCells + " cells");
        }
        if (total < 0 || (long) in.position() + size + total + (crc ? 4 : 0) != boc.length) {
            throw new IllegalArgumentException("bag of cells lengths do not add up");
        }
    }

    private static long unsigned(ByteBuffer in, int bytes) {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value = value << 8 | (in.get() & 0xff);
        }
        return value;
    }
}
