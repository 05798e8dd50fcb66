package network.cocoon.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report keeps each program's tables and sentences, drops the log lines around them, names what did not run. */
class ResultsReportTest {
    private static final ResultsReport.Machine MACHINE =
            new ResultsReport.Machine("a test CPU", 2, 4096, "Linux", "a JDK");

    @Test
    void precisionSectionKeepsTheTablesAndDropsTheLog(@TempDir Path run) throws IOException {
        Files.writeString(run.resolve("precision.md"), String.join("\n",
                "Dec 03, 2026 9:10:00 AM ai.djl.util.Platform detectPlatform",
                "INFO: float32 products on this CPU: linear",
                "SmolLM-135M shape, 5 rounds, OpenMP threads OMP_WAIT_POLICY=PASSIVE (the worker's default)",
                "",
                "batch 1",
                "| precision | decode ms/step (median, range) | prefill tok/s | float32's step time over this one |",
                "| --- | ---: | ---: | ---: |",
                "| int8 | 69.4 (60.1-80.2) | 249 | 1.35 (0.98-1.65) |"));

        String report = ResultsReport.render(run, MACHINE);

        assertTrue(report.contains("## Weight precisions side by side (`PrecisionBenchmark`)"), report);
        assertTrue(report.contains("| int8 | 69.4 (60.1-80.2) | 249 | 1.35 (0.98-1.65) |"), report);
        assertTrue(report.contains("SmolLM-135M shape, 5 rounds"), report);
        assertFalse(report.contains("detectPlatform"), report);
        assertFalse(report.contains("INFO:"), report);
    }

    @Test
    void aPartThatDidNotRunIsSaidToBeMissing(@TempDir Path run) throws IOException {
        String report = ResultsReport.render(run, MACHINE);

        assertTrue(report.contains("Not run (no precision.md)."), report);
        assertTrue(report.contains("Not run (no inference.md)."), report);
        assertTrue(report.contains("Not run (no jmh.json)."), report);
    }
}
