package network.cocoon.sdk.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.ton.TonHttpApi;
import network.cocoon.sdk.ton.TvmValue;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.ton.ton4j.cell.Cell;
import org.ton.ton4j.cell.CellBuilder;

/**
 * The registry directory on a toncenter-shaped answer built by @ton/core (script committed), and every way a
 * stack can be wrong.
 */
class TonRegistryDirectoryTest {
    static final TonAddress REGISTRY = TonAddress.parse("0:" + "7e".repeat(32), "registry");

    static JsonNode vector() throws Exception {
        try (InputStream in = TonRegistryDirectoryTest.class.getResourceAsStream(
                "/vectors/ton-registry-get-workers.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static TvmValue slice(String text) {
        return slice(snake(text.getBytes(StandardCharsets.UTF_8)));
    }

    static TvmValue slice(Cell cell) {
        return new TvmValue.CellValue(cell.toBoc(false));
    }

    static Cell snake(byte[] bytes) {
        Cell next = null;
        for (int end = bytes.length; end > 0; end -= 127) {
            int start = Math.max(0, end - 127);
            CellBuilder b = CellBuilder.beginCell();
            b.storeBytes(java.util.Arrays.copyOfRange(bytes, start, end));
            if (next != null) {
                b.storeRef(next);
            }
            next = b.endCell();
        }
        return next;
    }

    static String refusal(TvmValue... stack) {
        return assertThrows(DirectoryException.class, () -> TonRegistryDirectory.parse(List.of(stack))).getMessage();
    }

    static TvmValue tuple(TvmValue... elements) {
        return new TvmValue.Tuple(List.of(elements));
    }

    @Test
    void readsTheRegistryThroughTheTonHttpApi() throws Exception {
        JsonNode vector = vector();
        try (MockWebServer toncenter = new MockWebServer()) {
            toncenter.enqueue(new MockResponse().setBody(vector.get("response").toString()));
            toncenter.enqueue(new MockResponse().setResponseCode(502).setBody("{\"ok\":false,\"error\":\"lite server\"}"));
            toncenter.start();
            TonHttpApi api = new TonHttpApi(toncenter.url("/api/v2/jsonRPC"), null, new OkHttpClient());
            TonRegistryDirectory directory = new TonRegistryDirectory(api, REGISTRY, Duration.ofNanos(1),
                    Clock.systemUTC());
            List<URI> expected = new ArrayList<>();
            vector.get("endpoints").forEach(e -> expected.add(URI.create(e.asText())));
            assertEquals(expected, directory.endpoints());
            Thread.sleep(1);
            // A failed read keeps the last list: its entries are verified one by one anyway.
            assertEquals(expected, directory.endpoints());
            String request = toncenter.takeRequest().getBody().readUtf8();
            assertEquals("get_workers", new ObjectMapper().readTree(request).at("/params/method").asText());
        }
    }

    @Test
    void anEmptyRegistryIsNullOrAnEmptyTuple() {
        assertEquals(List.of(), TonRegistryDirectory.parse(List.of(new TvmValue.Null())));
        assertEquals(List.of(), TonRegistryDirectory.parse(List.of(tuple())));
    }

    @Test
    void everyWrongShapeIsRefusedByEntry() {
        assertEquals("get_workers: the stack must hold one entry, not 2",
                refusal(tuple(), tuple()));
        assertEquals("get_workers: stack[0] must be a tuple of slices",
                refusal(new TvmValue.Num(BigInteger.ONE)));
        assertEquals("get_workers: stack[0][1] must be a slice",
                refusal(tuple(slice("https://a.example"), new TvmValue.Num(BigInteger.TWO))));
        assertEquals("get_workers: stack[0][0] must be an http or https URL",
                refusal(tuple(slice("file:///etc/passwd"))));
        assertEquals("get_workers: stack[0] lists an endpoint twice",
                refusal(tuple(slice("https://a.example"), slice("https://a.example"))));
        assertEquals("get_workers: stack[0][0] is not UTF-8 text",
                refusal(tuple(slice(snake(new byte[] {(byte) 0xff, (byte) 0xfe})))));
        Cell sevenBits = CellBuilder.beginCell().storeUint(5, 7).endCell();
        assertEquals("get_workers: stack[0][0] must be snake text: whole bytes and at most one reference",
                refusal(tuple(slice(sevenBits))));
        Cell twoRefs = CellBuilder.beginCell().storeBytes("h".getBytes(StandardCharsets.UTF_8))
                .storeRef(snake("a".getBytes(StandardCharsets.UTF_8)))
                .storeRef(snake("b".getBytes(StandardCharsets.UTF_8))).endCell();
        assertEquals("get_workers: stack[0][0] must be snake text: whole bytes and at most one reference",
                refusal(tuple(slice(twoRefs))));
        assertEquals("get_workers: stack[0][0] must be snake text of at most 8 ordinary cells",
                refusal(tuple(slice(("https://" + "x".repeat(1100) + ".example")))));
        List<TvmValue> many = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            many.add(slice("https://w" + i + ".example"));
        }
        assertEquals("get_workers: stack[0] lists more than 255 workers",
                refusal(new TvmValue.Tuple(many)));
        assertEquals("get_workers: stack[0][0] is larger than 4096 bytes",
                refusal(tuple(new TvmValue.CellValue(new byte[5000]))));
        assertEquals("get_workers: stack[0][0]: not a bag of cells (magic b5ee9c72)",
                refusal(tuple(new TvmValue.CellValue(new byte[] {1, 2, 3, 4, 5, 6, 7}))));
        byte[] lying = slice("https://a.example") instanceof TvmValue.CellValue c ? c.boc() : null;
        lying[6] = 0x7f;  // the cell count (size 1 byte, after magic, flags and offset size): 127
        assertEquals("get_workers: stack[0][0]: a bag of cells here is one root of at most 16 cells",
                refusal(tuple(new TvmValue.CellValue(lying))));
    }
}
