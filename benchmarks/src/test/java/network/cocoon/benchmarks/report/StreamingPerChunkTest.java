package network.cocoon.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's stream figures come from the right rows: per chunk over the chunks between, and over single-shot. */
class StreamingPerChunkTest {
    static ResultsReport.Result result(String method, int chunks, double score) {
        return new ResultsReport.Result("network.cocoon.benchmarks.StreamingBenchmark." + method,
                Map.of("chunks", Integer.toString(chunks)), "avgt", score, 1, "us/op");
    }

    @Test
    void perChunkAndOverSingleShot() {
        String table = ResultsReport.JmhResults.streamingPerChunk(List.of(result("singleShot", 1, 1400),
                result("singleShot", 129, 1500), result("streamed", 1, 1600), result("streamed", 129, 4160)));
        assertTrue(table.contains("| one more chunk: (streamed at 129 chunks - streamed at 1) / 128 | 20.00 us |"),
                table);
        assertTrue(table.contains("| a one-chunk stream over a single-shot answer | 200 us |"), table);
    }

    @Test
    void nothingWithoutTheRows() {
        assertEquals("", ResultsReport.JmhResults.streamingPerChunk(List.of(result("streamed", 1, 1600))));
    }
}
