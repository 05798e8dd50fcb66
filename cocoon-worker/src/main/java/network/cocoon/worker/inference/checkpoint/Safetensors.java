package network.cocoon.worker.inference.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping tensor names to
 * dtype, shape and byte offsets, then the raw little-endian data. Reads F32, F16 and BF16 (widened to
 * float exactly); writes any of them.
 */
public final class Safetensors {
    /** A tensor as floats with its shape. */
    public record Tensor(long[] shape, float[] data) {
        /** Validates that the shape matches the data. */
        public Tensor {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("shape does not match data length");
            }
        }
    }

    /** Storage type when writing. */
    public enum DType { F32, F16, BF16 }

    private static final long MAX_HEADER = 100L * 1024 * 1024;

    private Safetensors() {
    }

    /** Reads every tensor of one file. */
    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < 8) {
                throw new IOException(file + ": too short for a safetensors file (" + channel.size() + " bytes)");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > channel.size()) {
                throw new IOException(file + ": bad safetensors header length " + headerLength);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLength);
            readFully(file, channel, header, 8);
            JsonNode json = new ObjectMapper().readTree(new String(header.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLength;
            long dataLength = channel.size() - dataStart;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equals("__metadata__")) {
                    continue;
                }
                tensors.put(entry.getKey(), readTensor(file, channel, entry.getKey(), entry.getValue(), dataStart,
                        dataLength));
            }
            return tensors;
        }
    }

    private static Tensor readTensor(Path file, FileChannel channel, String name, JsonNode spec, long dataStart,
                                     long dataLength) throws IOException {
        String dtype = spec.path("dtype").asText();
        int width = switch (dtype) {
            case "F32" -> 4;
            case "F16", "BF16" -> 2;
            default -> throw new IOException(file + ": tensor " + name + " has unsupported dtype " + dtype);
        };
        JsonNode shapeNode = spec.get("shape");
        long[] shape = new long[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
            count *= shape[i];
        }
        long begin = spec.get("data_offsets").get(0).asLong();
        long end = spec.get("data_offsets").get(1).asLong();
        if (begin < 0 || end > dataLength || end - begin != count * width || count > Integer.MAX_VALUE) {
            throw new IOException(file + ": tensor " + name + " has inconsistent offsets");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, channel, raw, dataStart + begin);
        raw.flip();
        float[] out = new float[(int) count];
        switch (dtype) {
            case "F32" -> raw.asFloatBuffer().get(out);
            case "F16" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(raw.getShort());
                }
            }
            default -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((raw.getShort() & 0xffff) << 16);
                }
            }
        }
        return new Tensor(shape, out);
    }

    /** Writes tensors to one file in the given storage type, in the order of the map. */
    public static void write(Path file, Map<String, Tensor> tensors, DType dtype) throws IOException {
        int width = dtype == DType.F32 ? 4 : 2;
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            long size = (long) e.getValue().data().length * width;
            header.put(e.getKey(), Map.of("dtype", dtype.name(), "shape", e.getValue().shape(),
                    "data_offsets", List.of(offset, offset + size)));
            offset += size;
        }
        // Sorted keys: Map.of's iteration order changes from one JVM to the next, and so would the file's bytes
        // and the model digest.
        byte[] json = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        try (OutputStream out = Files.newOutputStream(file)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(length.array());
            out.write(json);
            out.write(" ".repeat(padded - json.length).getBytes(StandardCharsets.US_ASCII));
            for (Tensor t : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(t.data().length * width).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : t.data()) {
                    switch (dtype) {
                        case F32 -> data.putFloat(f);
                        case F16 -> data.putShort(Float.floatToFloat16(f));
                        case BF16 -> data.putShort(toBfloat16(f));
                    }
                }
                out.write(data.array());
            }
        }
    }

    /** Rounds a float to bfloat16, to nearest with ties to even (NaN stays NaN). */
    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position)
            throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                // The file shrank while it was read: its size was checked against every range first.
                throw new IOException(file + ": ended early; it changed while it was read");
            }
            pos += n;
        }
    }
}
