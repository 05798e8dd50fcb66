package network.cocoon.sdk.attestation.nvidia;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed SPDM 1.1 measurement exchange (DMTF DSP0274): the {@code GET_MEASUREMENTS} request with its nonce
 * and signature requested, then the {@code MEASUREMENTS} response whose signature covers the request and
 * the response up to the signature. Little-endian lengths.
 *
 * @param requestNonce the verifier's nonce (32 bytes)
 * @param blocks measurement blocks by index
 * @param signedData request and response bytes the device signed
 * @param signature raw ECDSA P-384 signature ({@code r || s})
 */
public record SpdmMeasurements(byte[] requestNonce, List<Block> blocks, byte[] signedData, byte[] signature) {
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
            int opaque = Short.toUnsignedInt(in.getShort());
            in.position(in.position() + opaque);
            if (in.remaining() != SIGNATURE_LENGTH) {
                throw new IllegalArgumentException("expected a 96-byte P-384 signature at the end");
            }
            byte[] signedData = Arrays.copyOfRange(report, 0, in.position());
            byte[] signature = Arrays.copyOfRange(report, in.position(), report.length);
            return new SpdmMeasurements(nonce, List.copyOf(blocks), signedData, signature);
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw e instanceof IllegalArgumentException iae ? iae
                    : new IllegalArgumentException("truncated SPDM report", e);
        }
    }
}
