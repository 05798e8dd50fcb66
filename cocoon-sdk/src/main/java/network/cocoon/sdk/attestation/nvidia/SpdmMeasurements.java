package network.cocoon.sdk.attestation.nvidia;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed SPDM 1.1 measurement exchange (DMTF DSP0274): the {@code GET_MEASUREMENTS} request with its nonce
 * and signature requested, then the {@code MEASUREMENTS} response whose signature covers the request and
 * the response up to the signature. Little-endian lengths.
 *
 * <p>The signature is the 96 bytes right after the opaque data. Bytes after it are covered by no signature
 * and nothing is read from them: they are ignored, as NVIDIA's own verifier does.
 *
 * @param requestNonce the verifier's nonce (32 bytes)
 * @param blocks measurement blocks by index
 * @param opaqueFields NVIDIA's opaque data, a list of little-endian type (2 bytes), length (2 bytes), value
 *     fields, by type (signed with the rest)
 * @param signedData request and response bytes the device signed
 * @param signature raw ECDSA P-384 signature ({@code r || s})
 */
public record SpdmMeasurements(byte[] requestNonce, List<Block> blocks, Map<Integer, byte[]> opaqueFields,
                               byte[] signedData, byte[] signature) {
    /** Opaque data field type of the firmware id, which the device certificate's TCB info also carries. */
    public static final int OPAQUE_FWID = 20;

    static final int REQUEST_LENGTH = 37;
    static final int SIGNATURE_LENGTH = 96;
    static final int GET_MEASUREMENTS = 0xE0;
    static final int MEASUREMENTS = 0x60;

    /**
     * One DMTF measurement block.
     *
     * @param index block index
     * @param valueType DMTF measurement value type
     * @param value the measurement (a digest or raw bitstream)
     */
    public record Block(int index, int valueType, byte[] value) {
    }

    /** The opaque data's fields; it must be exactly a list of type-length-value fields, each type once. */
    private static Map<Integer, byte[]> opaqueFields(byte[] opaque) {
        ByteBuffer in = ByteBuffer.wrap(opaque).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, byte[]> fields = new LinkedHashMap<>();
        while (in.hasRemaining()) {
            if (in.remaining() < 4) {
                throw new IllegalArgumentException("opaque data ends inside a field header");
            }
            int type = Short.toUnsignedInt(in.getShort());
            int length = Short.toUnsignedInt(in.getShort());
            if (length > in.remaining()) {
                throw new IllegalArgumentException("opaque data field " + type + " is longer than the data");
            }
            byte[] value = new byte[length];
            in.get(value);
            if (fields.put(type, value) != null) {
                throw new IllegalArgumentException("opaque data field " + type + " appears twice");
            }
        }
        return Collections.unmodifiableMap(fields);
    }

    /**
     * Parses a report.
     *
     * @throws IllegalArgumentException if it is not a signed SPDM 1.1 measurement exchange
     */
    public static SpdmMeasurements parse(byte[] report) {
        try {
            ByteBuffer in = ByteBuffer.wrap(report).order(ByteOrder.LITTLE_ENDIAN);
            int version = in.get() & 0xff;
            if (version != 0x11 || (in.get() & 0xff) != GET_MEASUREMENTS) {
                throw new IllegalArgumentException("not an SPDM 1.1 GET_MEASUREMENTS request");
            }
            boolean signatureRequested = (in.get() & 1) != 0;
            in.get();
            byte[] nonce = new byte[32];
            in.get(nonce);
            in.get(); // slot id
            if (!signatureRequested) {
                throw new IllegalArgumentException("the request did not ask for a signature");
            }
            if ((in.get() & 0xff) != version || (in.get() & 0xff) != MEASUREMENTS) {
                throw new IllegalArgumentException("not an SPDM 1.1 MEASUREMENTS response");
            }
            in.get();
            in.get();
            int blockCount = in.get() & 0xff;
            int recordLength = (in.get() & 0xff) | (in.get() & 0xff) << 8 | (in.get() & 0xff) << 16;
            int recordEnd = in.position() + recordLength;
            List<Block> blocks = new ArrayList<>();
            for (int i = 0; i < blockCount; i++) {
                int index = in.get() & 0xff;
                in.get(); // measurement specification: DMTF
                int size = Short.toUnsignedInt(in.getShort());
                int blockEnd = in.position() + size;
                int type = in.get() & 0x7f;
                byte[] value = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(value);
                if (in.position() != blockEnd) {
                    throw new IllegalArgumentException("measurement block " + index + " has inconsistent sizes");
                }
                blocks.add(new Block(index, type, value));
            }
            if (in.position() != recordEnd) {
                throw new IllegalArgumentException("measurement record length mismatch");
            }
            in.position(in.position() + 32); // responder nonce
            int opaqueLength = Short.toUnsignedInt(in.getShort());
            byte[] opaque = new byte[opaqueLength];
            in.get(opaque);
            Map<Integer, byte[]> fields = opaqueFields(opaque);
            if (in.remaining() < SIGNATURE_LENGTH) {
                throw new IllegalArgumentException("no 96-byte P-384 signature after the opaque data");
            }
            byte[] signedData = Arrays.copyOfRange(report, 0, in.position());
            byte[] signature = Arrays.copyOfRange(report, in.position(), in.position() + SIGNATURE_LENGTH);
            return new SpdmMeasurements(nonce, List.copyOf(blocks), fields, signedData, signature);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("truncated SPDM report", e);
        }
    }
}
