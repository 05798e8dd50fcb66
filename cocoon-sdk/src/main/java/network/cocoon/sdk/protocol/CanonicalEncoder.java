package network.cocoon.sdk.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds the canonical byte encodings that the protocol hashes and signs.
 *
 * <p>The encoding is deliberately simple so that any language can reproduce it: byte strings and text
 * are a 4-byte big-endian length followed by the bytes (text as UTF-8), integers are 8-byte big-endian
 * two's complement. Fields are written in the fixed order that {@code docs/protocol.md} gives, with no
 * names and no padding, so two equal values always encode to the same bytes.
 */
public final class CanonicalEncoder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    /** An empty encoding; protocol structures start with {@link #labelled(String)} instead. */
    public CanonicalEncoder() {
    }

    /** Starts an encoding with its domain label (written as text). */
    public static CanonicalEncoder labelled(String label) {
        return new CanonicalEncoder().text(label);
    }

    /** Appends a length-prefixed byte string. */
    public CanonicalEncoder bytes(byte[] value) {
        writeInt(value.length);
        out.writeBytes(value);
        return this;
    }

    /** Appends length-prefixed UTF-8 text. */
    public CanonicalEncoder text(String value) {
        return bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends an 8-byte big-endian integer. */
    public CanonicalEncoder int64(long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift));
        }
        return this;
    }

    /** The bytes written so far. */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void writeInt(int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
