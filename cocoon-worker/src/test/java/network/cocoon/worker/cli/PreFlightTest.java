package network.cocoon.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import network.cocoon.sdk.attestation.tdx.TdxQuote;
import network.cocoon.worker.tee.TeePlatform;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pre-flight under TDX, with a real quote (Phala-Network/dcap-qvl's sample) standing in for this
 * machine's configfs-tsm: the measurements printed are the quote's, and the allow-list decides.
 */
class PreFlightTest {
    private static final String DIGEST = "ab".repeat(32);
    private static byte[] quote;
    private static String mrTd;
    private static String rtmr0;

    @TempDir
    Path dir;

    @BeforeAll
    static void readQuote() throws Exception {
        try (InputStream in = PreFlightTest.class.getResourceAsStream("/vectors/tdx_quote")) {
            quote = in.readAllBytes();
        }
        var report = TdxQuote.parse(quote).report();
        mrTd = HexFormat.of().formatHex(report.mrTd());
        rtmr0 = HexFormat.of().formatHex(report.rtmrs().get(0));
    }

    /** A TDX platform whose every quote is the sample. */
    private static final TeePlatform SAMPLE_TD = new TeePlatform() {
        @Override
        public String platform() {
            return "tdx";
        }

        @Override
        public byte[] evidence(byte[] reportData) {
            return quote.clone();
        }
    };

    private Path allowList(String json) throws Exception {
        Path file = dir.resolve("allow-list.json");
        Files.writeString(file, json);
        return file;
    }

    @Test
    void printsTheQuotesMeasurementsAndPassesAMatchingList() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Path list = allowList("{\"models\": [\"" + DIGEST + "\"], \"tdx_images\": [{\"mrtd\": \"" + mrTd
                + "\", \"rtmr0\": \"" + rtmr0.toUpperCase() + "\"}]}");
        Map<String, String> measured = PreFlight.check(SAMPLE_TD, DIGEST, list,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(mrTd, measured.get("mrtd"));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("pre-flight mrtd " + mrTd), printed);
        assertTrue(printed.contains("pre-flight rtmr3 "), printed);
        assertTrue(printed.contains("pre-flight passed"), printed);
    }

    @Test
    void aDifferentImageOrModelIsNamed() throws Exception {
        Path list = allowList("{\"models\": [\"" + "cd".repeat(32) + "\"], \"tdx_images\": [{\"mrtd\": \"" + mrTd
                + "\", \"rtmr0\": \"" + "00".repeat(48) + "\"}]}");
        var e = assertThrows(IllegalStateException.class, () -> PreFlight.check(SAMPLE_TD, DIGEST, list,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        assertEquals("pre-flight failed against " + list + ": model digest " + DIGEST + " is not in the"
                + " allow-list's models; no tdx_images entry matches this TD (mrtd " + mrTd + ")", e.getMessage());
    }

    @Test
    void aMalformedListIsRefusedByName() throws Exception {
        Path unknown = allowList("{\"models\": [], \"images\": []}");
        assertEquals("allow-list " + unknown + ": unknown key 'images'", assertThrows(
                IllegalArgumentException.class, () -> AllowList.read(unknown)).getMessage());
        Path shortHex = allowList("{\"tdx_images\": [{\"mrtd\": \"abc\"}]}");
        assertEquals("allow-list " + shortHex + ": 'tdx_images[].mrtd' must be 96 hex digits", assertThrows(
                IllegalArgumentException.class, () -> AllowList.read(shortHex)).getMessage());
        Path register = allowList("{\"tdx_images\": [{\"mrtd\": \"" + mrTd + "\", \"rtmr4\": \"" + mrTd + "\"}]}");
        assertEquals("allow-list " + register + ": unknown key 'tdx_images[].rtmr4'", assertThrows(
                IllegalArgumentException.class, () -> AllowList.read(register)).getMessage());
    }
}
