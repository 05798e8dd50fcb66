package network.cocoon.worker.inference.torchscript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class Int8OpsTest {
    private static NDManager manager;
    private static Int8Ops ops;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        ops = Int8Ops.load(manager);
    }

    @AfterAll
    static void close() {
        ops.close();
        manager.close();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"1, 40, 96", "3, 37, 16", "5, 64, 48", "17, 9, 1536", "2, 1, 32"})
    void linearIsTheProductOfTheRoundedInputAndTheScaledWeightRoundedOnce(int leading, int out, int in) {
        Random random = new Random(4);
        byte[] values = new byte[out * in];
        float[] dequantized = new float[out * in];
        float[] scales = new float[out];
        for (int r = 0; r < out; r++) {
            // bfloat16-exact scales, as Int8Rows makes them.
            scales[r] = Float.intBitsToFloat(Float.floatToRawIntBits((float) (0.001 + random.nextDouble() * 0.05))
                    & 0xFFFF0000);
            for (int c = 0; c < in; c++) {
                values[r * in + c] = (byte) (random.nextInt(255) - 127);
                dequantized[r * in + c] = values[r * in + c] * scales[r];
            }
        }
        float[] x = new float[leading * 5 * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        try (NDManager scratch = manager.newSubManager()) {
            NDArray weight = scratch.create(ByteBuffer.wrap(values), new Shape(out, in), DataType.INT8);
            NDArray productScales = ops.productScales(scratch.create(scales));
            NDArray got = ops.linear(scratch.create(x, new Shape(leading, 5, in)), weight, productScales);
            assertEquals(new Shape(leading, 5, out), got.getShape());
            assertEquals(DataType.FLOAT32, got.getDataType());
            float[] roundedX = x.clone();
            for (int i = 0; i < roundedX.length; i++) {
                roundedX[i] = Bfloat16OpsTest.roundToBfloat16(roundedX[i]);
            }
            float[] exact = Linear.linear(scratch.create(roundedX, new Shape(leading, 5, in)),
                    scratch.create(dequantized, new Shape(out, in)), null).singletonOrThrow().toFloatArray();
            float[] product = got.toFloatArray();
            for (int i = 0; i < exact.length; i++) {
                double allowed = Math.abs(exact[i]) * 0x1p-8 + in * 1e-5;
                assertTrue(Math.abs(exact[i] - product[i]) <= allowed, "element " + i + ": " + product[i]
                        + " against " + exact[i]);
            }
            // The widened product is float32's product of the unrounded input and the dequantized weight.
            float[] widened = ops.linearWidened(scratch.create(x, new Shape(leading, 5, in)), weight,
                    scratch.create(scales)).toFloatArray();
            float[] float32 = Linear.linear(scratch.create(x, new Shape(leading, 5, in)),
                    scratch.create(dequantized, new Shape(out, in)), null).singletonOrThrow().toFloatArray();
            for (int i = 0; i < float32.length; i++) {
                assertEquals(float32[i], widened[i], Math.abs(float32[i]) * 1e-6f + 1e-6f, "element " + i);
            }
            float[] bias = new float[out];
            for (int i = 0; i < out; i++) {
                bias[i] = (float) random.nextGaussian();
            }
            float[] withBias = ops.linear(scratch.create(x, new Shape(leading, 5, in)), weight, productScales,
                    scratch.create(bias)).toFloatArray();
            for (int i = 0; i < withBias.length; i++) {
                assertEquals(product[i] + bias[i % out], withBias[i], 0f, "element " + i);
            }
            float[] widenedWithBias = ops.linearWidened(scratch.create(x, new Shape(leading, 5, in)), weight,
                    scratch.create(scales), scratch.create(bias)).toFloatArray();
            for (int i = 0; i < widenedWithBias.length; i++) {
                assertEquals(widened[i] + bias[i % out], widenedWithBias[i],
                        Math.abs(widenedWithBias[i]) * 1e-6f + 1e-6f, "element " + i);
            }
        }
    }
}
