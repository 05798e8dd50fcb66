package network.cocoon.worker.inference.llama;

import java.io.IOException;

/**
 * A float32 matrix quantized to int8 row by row (symmetric, one scale per output row, no zero point), as
 * {@link WeightPrecision#INT8} stores it: {@code w[r][c] ~ values[r][c] * scales[r]}.
 *
 * <p>Each scale is the smallest bfloat16 value at least {@code max|w[r]| / 127}: exact in the bfloat16 the
 * product kernel takes, and never so small that a value falls outside [-127, 127]. Values round to nearest,
 * ties to even, so each element is off by at most half its row's scale.
 *
 * @param values the int8 values, row-major
 * @param scales one scale per row (1 for a row of zeros)
 */
public record Int8Rows(byte[] values, float[] scales) {
    /**
     * Quantizes {@code data}, a row-major {@code rows x columns} matrix named {@code name}.
     *
     * @throws IOException naming the tensor, if it holds NaN or an infinity, which int8 cannot represent
     */
    public static Int8Rows quantize(String name, float[] data, int rows, int columns) throws IOException {
        if ((long) rows * columns != data.length) {
            throw new IllegalArgumentException(rows + " x " + columns + " is not " + data.length + " values");
        }
        byte[] values = new byte[data.length];
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            int from = r * columns;
            float max = 0;
            for (int c = 0; c < columns; c++) {
                float v = data[from + c];
                if (!Float.isFinite(v)) {
                    throw new IOException("tensor " + name + " holds " + v + ", which int8 cannot represent");
                }
                max = Math.max(max, Math.abs(v));
            }
            // A row so small that max / 127 is not a normal float keeps the smallest normal scale instead.
            float scale = max == 0 ? 1f : Math.max(bfloat16AtLeast(max / 127f), Float.MIN_NORMAL);
            scales[r] = scale;
            for (int c = 0; c < columns; c++) {
                values[from + c] = (byte) Math.rint(data[from + c] / scale);
            }
        }
        return new Int8Rows(values, scales);
    }

    /** The smallest bfloat16 value (a float32 whose low 16 bits are zero) at least {@code v}, for finite v > 0. */
    static float bfloat16AtLeast(float v) {
        int bits = Float.floatToRawIntBits(v);
        if ((bits & 0xFFFF) == 0) {
            return v;
        }
        return Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
    }
}
