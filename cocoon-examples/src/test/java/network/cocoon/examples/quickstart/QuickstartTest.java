package network.cocoon.examples.quickstart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import network.cocoon.examples.local.LocalWorker;
import network.cocoon.sdk.VerifiedCompletion;
import org.junit.jupiter.api.Test;

/** The README's first command, as a test: the bundled model answers through the real worker and SDK. */
class QuickstartTest {
    @Test
    void quickstartPrintsTheVerifiedAnswer() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        VerifiedCompletion answer = Quickstart.run(Path.of("..").resolve(LocalWorker.BUNDLED_MODEL), "123+456",
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        assertEquals("579", answer.content());
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("answer   579   (correct)"), printed);
        assertTrue(printed.contains("verified"), printed);
        // 26 prompt tokens at 100,000 and 3 + end-of-sequence completion tokens at 200,000 nanotons per 1,000.
        var receipt = answer.payment().orElseThrow().receipt().receipt();
        assertEquals(26, receipt.promptTokens());
        assertEquals(answer.completion().usage().completionTokens(), receipt.completionTokens());
        assertEquals((26 * 100_000 + receipt.completionTokens() * 200_000) / 1000, receipt.amount());
        assertEquals(receipt.amount(), receipt.cumulative());
        assertTrue(printed.contains("paid     " + receipt.amount() + " nanotons"), printed);
    }
}
