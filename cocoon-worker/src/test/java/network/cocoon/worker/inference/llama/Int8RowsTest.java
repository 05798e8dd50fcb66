package network.cocoon.worker.inference.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Int8RowsTest {
    @Test
    void eachElementIsWithinHalfItsRowsScale() throws IOException {
        Random random = new Random(1);
        int rows = 37;
        int columns = 53;
        float[] data = new float[rows * columns];
        for (int i = 0; i < data.length; i++) {
            // Rows of very different magnitudes, as a model's are.
            data[i] = (float) (random.nextGaussian() * Math.pow(10, (i / columns) % 7 - 4));
        }
        Int8Rows q = Int8Rows.quantize("w", data, rows, columns);
        for (int r = 0; r < rows; r++) {
            float scale = q.scales()[r];
            assertEquals(0, Float.floatToRawIntBits(scale) & 0xFFFF, "scale " + r + " is exact in bfloat16");
            float max = 0;
            for (int c = 0; c < columns; c++) {
                max = Math.max(max, Math.abs(data[r * columns + c]));
            }
            assertTrue(scale * 127 >= max, "row " + r + ": no value beyond 127 steps");
            assertTrue(scale < max / 127 * 1.0079f, "row " + r + ": the smallest such bfloat16 scale");
            for (int c = 0; c < columns; c++) {
                int v = q.values()[r * columns + c];
                assertTrue(v >= -127 && v <= 127);
                float error = Math.abs(v * scale - data[r * columns + c]);
                assertTrue(error <= scale / 2, "element " + r + "," + c + " off by " + error + ", scale " + scale);
            }
        }
    }

    @Test
    void valuesRoundToNearestEven() throws IOException {
        // max 127 gives scale 1: 0.5 and 2.5 round down to even, 1.5 up.
        Int8Rows q = Int8Rows.quantize("w", new float[] {127f, 0.5f, 1.5f, 2.5f, -2.5f, -127f}, 1, 6);
        assertArrayEquals(new float[] {1f}, q.scales());
        assertArrayEquals(new byte[] {127, 0, 2, 2, -2, -127}, q.values());
    }

    @Test
    void rowsOfZerosAndOfTinyValuesStayFinite() throws IOException {
        Int8Rows q = Int8Rows.quantize("w", new float[] {0f, 0f, 1e-44f, -1e-45f}, 2, 2);
        assertArrayEquals(new byte[] {0, 0, 0, 0}, q.values());
        assertEquals(1f, q.scales()[0]);
        assertEquals(Float.MIN_NORMAL, q.scales()[1]);
    }

    @Test
    void nonFiniteValuesAreRefusedByName() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            IOException e = assertThrows(IOException.class,
                    () -> Int8Rows.quantize("model.layers.3.mlp.down_proj.weight", new float[] {1f, bad}, 1, 2));
            assertTrue(e.getMessage().contains("model.layers.3.mlp.down_proj.weight"), e.getMessage());
        }
    }
}
