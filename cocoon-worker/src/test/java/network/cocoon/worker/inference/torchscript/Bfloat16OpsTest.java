package network.cocoon.worker.inference.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

public class Bfloat16OpsTest {
    private static NDManager manager;
    private static Bfloat16Ops ops;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        ops = Bfloat16Ops.load(manager);
    }

    @AfterAll
    static void close() {
        ops.close();
        manager.close();
    }

    /** IEEE 754 round to nearest, ties to even, from float32 to bfloat16's 8 significant bits, widened back. */
    public static float roundToBfloat16(float f) {
        if (Float.isNaN(f)) {
            return f;
        }
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    private static float[] widened(NDArray bfloat16) {
        try (NDArray wide = bfloat16.toType(DataType.FLOAT32, false)) {
            return wide.toFloatArray();
        }
    }

    @Test
    void narrowRoundsToNearestEven() {
        float[] special = {
            0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
            Float.intBitsToFloat(0x3F808000), // halfway, even below: rounds down
            Float.intBitsToFloat(0x3F818000), // halfway, odd below: rounds up
            Float.intBitsToFloat(0x3F808001), // just above halfway: rounds up
            Float.intBitsToFloat(0x3F807FFF), // just below halfway: rounds down
            Float.MAX_VALUE, // rounds up to infinity
            Float.intBitsToFloat(0x7F7F0000), // bfloat16's largest finite value
            Float.MIN_NORMAL, -Float.MIN_NORMAL, 65504f, 1e-30f, 3.1415927f,
        };
        Random random = new Random(1);
        // Large enough that PyTorch takes its vectorised conversion as well as the scalar tail.
        float[] values = new float[special.length + 4099];
        System.arraycopy(special, 0, values, 0, special.length);
        for (int i = special.length; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(61) - 30));
        }
        try (NDManager scratch = manager.newSubManager()) {
            float[] got = widened(ops.narrow(scratch.create(values)));
            for (int i = 0; i < values.length; i++) {
                float want = roundToBfloat16(values[i]);
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(got[i]),
                        "value " + i + ": " + values[i] + " gave " + got[i] + ", not " + want);
            }
        }
    }

    @Test
    void bfloat16TensorsKeepTheirShapeAndIndexing() {
        try (NDManager scratch = manager.newSubManager()) {
            NDArray x = scratch.arange(24f).reshape(2, 3, 4);
            NDArray narrow = ops.narrow(x);
            assertEquals(new Shape(2, 3, 4), narrow.getShape());
            // Small integers are exact in bfloat16.
            assertEquals(x.get("1, 2").toFloatArray()[3], widened(narrow.get("1, 2"))[3]);
        }
    }

    @Test
    void linearIsTheProductOfTheRoundedOperandsRoundedOnce() {
        Random random = new Random(2);
        try (NDManager scratch = manager.newSubManager()) {
            float[] x = gaussian(random, 3 * 5 * 96);
            float[] w = gaussian(random, 40 * 96);
            NDArray weight = ops.narrow(scratch.create(w, new Shape(40, 96)));
            NDArray got = ops.linear(scratch.create(x, new Shape(3, 5, 96)), weight);
            assertEquals(new Shape(3, 5, 40), got.getShape());
            assertEquals(DataType.FLOAT32, got.getDataType());
            NDArray exact = Linear.linear(scratch.create(rounded(x), new Shape(3, 5, 96)),
                    scratch.create(rounded(w), new Shape(40, 96)), null).singletonOrThrow();
            assertWithinOneRounding(exact.toFloatArray(), got.toFloatArray(), 96);
        }
    }

    @Test
    void linearAddsTheBiasInFloat32() {
        Random random = new Random(3);
        try (NDManager scratch = manager.newSubManager()) {
            float[] x = gaussian(random, 7 * 64);
            float[] w = gaussian(random, 24 * 64);
            float[] b = gaussian(random, 24);
            NDArray input = scratch.create(x, new Shape(7, 64));
            NDArray weight = ops.narrow(scratch.create(w, new Shape(24, 64)));
            float[] without = ops.linear(input, weight).toFloatArray();
            float[] with = ops.linear(input, weight, scratch.create(b)).toFloatArray();
            for (int i = 0; i < with.length; i++) {
                assertEquals(without[i] + b[i % 24], with[i], 0f, "element " + i);
            }
        }
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) random.nextGaussian();
        }
        return out;
    }

    private static float[] rounded(float[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = roundToBfloat16(values[i]);
        }
        return out;
    }

    /**
     * The kernel accumulates in float32 and rounds its result to bfloat16 once: each element is within half a
     * bfloat16 step (2^-8 relative) of the float32 product, plus float32 summation-order differences.
     */
    private static void assertWithinOneRounding(float[] exact, float[] got, int terms) {
        for (int i = 0; i < exact.length; i++) {
            double allowed = Math.abs(exact[i]) * 0x1p-8 + terms * 1e-6;
            assertTrue(Math.abs(exact[i] - got[i]) <= allowed,
                    "element " + i + ": " + got[i] + " against " + exact[i]);
        }
    }
}
