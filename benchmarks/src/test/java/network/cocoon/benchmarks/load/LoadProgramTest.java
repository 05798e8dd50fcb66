package network.cocoon.benchmarks.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load program itself, in a short run: a real worker process, more users than its batch so that some are
 * queued, paid requests of both kinds. What it checks must hold here too; the figures are for the long run.
 */
class LoadProgramTest {
    @TempDir
    Path dir;

    @Test
    void aShortPaidRunEndsEveryRequestInAnAnswerOrARetryableRefusal() throws Exception {
        Path json = dir.resolve("load.json");
        LoadReport report = LoadProgram.run(LoadProgram.Settings.parse(new String[] {"--users", "24", "--seconds",
                "6", "--model", "../cocoon-worker/models/cocoon-add-tiny", "--json", json.toString()}));
        assertEquals(java.util.List.of(), report.requestFailures(), report.markdown());
        for (var kind : LoadRecorder.Kind.values()) {
            assertTrue(report.kinds().get(kind).answered() > 0, kind + " answered: " + report.markdown());
        }
        String written = Files.readString(json);
        assertTrue(written.contains("\"p99Ms\"") && written.contains("\"memory\""), written);
    }

    @Test
    void outcomesNameTheTypeAndCodeButNeverTheMessage() {
        var busy = new network.cocoon.sdk.WorkerRejectedException(503, network.cocoon.sdk.protocol.ErrorCode.BUSY,
                "secret prompt text", "1");
        assertEquals(LoadRecorder.BUSY, LoadRecorder.outcome(busy));
        var unhinted = new network.cocoon.sdk.WorkerRejectedException(503,
                network.cocoon.sdk.protocol.ErrorCode.BUSY, "secret prompt text");
        assertEquals("busy, without Retry-After", LoadRecorder.outcome(unhinted));
        assertTrue(!LoadRecorder.acceptable(LoadRecorder.outcome(unhinted)));
        assertEquals("unexpected: java.lang.IllegalStateException",
                LoadRecorder.outcome(new IllegalStateException("secret prompt text")));
    }
}
