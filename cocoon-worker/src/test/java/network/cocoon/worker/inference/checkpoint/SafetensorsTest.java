package network.cocoon.worker.inference.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static Map<String, Safetensors.Tensor> sample() {
        Map<String, Safetensors.Tensor> t = new LinkedHashMap<>();
        t.put("a", new Safetensors.Tensor(new long[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-3f, -7}));
        t.put("b", new Safetensors.Tensor(new long[] {1}, new float[] {42}));
        return t;
    }

    @Test
    void float32RoundTripsExactly() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Safetensors.write(file, sample(), Safetensors.DType.F32);
        Map<String, Safetensors.Tensor> back = Safetensors.read(file);
        assertArrayEquals(new long[] {2, 3}, back.get("a").shape());
        assertArrayEquals(sample().get("a").data(), back.get("a").data(), 0f);
        assertArrayEquals(sample().get("b").data(), back.get("b").data(), 0f);
    }

    @Test
    void bfloat16KeepsEightBitsOfMantissa() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Safetensors.write(file, sample(), Safetensors.DType.BF16);
        float[] back = Safetensors.read(file).get("a").data();
        float[] original = sample().get("a").data();
        for (int i = 0; i < original.length; i++) {
            assertEquals(original[i], back[i], Math.abs(original[i]) / 128, "element " + i);
        }
        assertEquals((short) 0x3f80, Safetensors.toBfloat16(1f));
        assertEquals((short) 0x3f81, Safetensors.toBfloat16(Float.intBitsToFloat(0x3f80c000)), "ties to even, up");
        assertEquals((short) 0x3f80, Safetensors.toBfloat16(Float.intBitsToFloat(0x3f808000)), "ties to even, down");
    }

    @Test
    void float16KeepsElevenBitsOfMantissa() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Safetensors.write(file, sample(), Safetensors.DType.F16);
        float[] back = Safetensors.read(file).get("a").data();
        float[] original = sample().get("a").data();
        for (int i = 0; i < original.length; i++) {
            assertEquals(original[i], back[i], Math.abs(original[i]) / 1024, "element " + i);
        }
        assertEquals(3.5f, back[2], 0f, "exactly representable values survive exactly");
    }

    @Test
    void corruptFilesAreRefused() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Safetensors.write(file, sample(), Safetensors.DType.F32);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThrows(IOException.class, () -> Safetensors.read(file));
        Files.write(file, new byte[] {1, 2, 3});
        assertThrows(IOException.class, () -> Safetensors.read(file));
    }
}
