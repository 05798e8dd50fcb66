package network.cocoon.sdk.routing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import network.cocoon.sdk.fuzz.Invariants;
import network.cocoon.sdk.ton.TvmValue;

/**
 * A registry contract's {@code get_workers} result as the TON HTTP API hands it over. The first byte picks the
 * stack's shape: usually one tuple of 0 to 7 cells whose bytes (the rest of the input, cut in equal parts) are
 * bags of cells holding snake text; otherwise a null, a number, a tuple holding a tuple, or two entries.
 * {@link TonRegistryDirectory#parse} returns endpoints or ends in a {@link DirectoryException}, nothing else,
 * with a fixed-text message. Seed: the URLs of {@code vectors/ton-registry-get-workers.json}.
 */
class RegistryStackFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void anyGetWorkersStackParsesOrIsRefused(byte[] data) throws Exception {
        if (data.length == 0) {
            return;
        }
        Invariants.refusesOnly(data, DirectoryException.class, d -> TonRegistryDirectory.parse(stack(d)));
    }

    private static List<TvmValue> stack(byte[] data) {
        byte[] rest = Arrays.copyOfRange(data, 1, data.length);
        return switch (data[0] & 0xff) {
            case 0xff -> List.of(new TvmValue.Null());
            case 0xfe -> List.of(new TvmValue.Num(new BigInteger(1, rest)));
            case 0xfd -> List.of(new TvmValue.Tuple(List.of(new TvmValue.Tuple(cells(rest, 1)))));
            case 0xfc -> List.of(new TvmValue.Tuple(cells(rest, 1)), new TvmValue.Null());
            default -> List.of(new TvmValue.Tuple(cells(rest, (data[0] & 0xff) % 8)));
        };
    }

    private static List<TvmValue> cells(byte[] bytes, int count) {
        List<TvmValue> cells = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            cells.add(new TvmValue.CellValue(Arrays.copyOfRange(bytes, bytes.length * i / count,
                    bytes.length * (i + 1) / count)));
        }
        return cells;
    }
}
