package network.cocoon.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code benchmarks/RESULTS.md} from one run of {@code benchmarks/report.sh}: the machine, JMH's results
 * (every benchmark, and sealing over its floor as ratios), the inference benchmark's tables, the weight
 * precisions' and the load program's. Figures are of that run only; ratios compare within it.
 *
 * <p>Usage: {@code ResultsReport RUN_DIR OUTPUT.md}, where RUN_DIR holds {@code jmh.json},
 * {@code inference.md}, {@code precision.md} and {@code load.md}; a missing part is reported as missing, never
 * invented.
 */
public final class ResultsReport {
    private ResultsReport() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ResultsReport RUN_DIR OUTPUT.md");
        }
        Path run = Path.of(args[0]);
        Files.writeString(Path.of(args[1]), render(run, Machine.read()));
        System.out.println("written " + args[1]);
    }

    static String render(Path run, Machine machine) throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("# Benchmark results\n\n");
        out.append("Written by `bash benchmarks/report.sh` on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(". Every figure below comes from that one run; compare ratios within it, not absolute"
                        + " figures across runs (the machines are shared).\n\n");
        out.append(machine.markdown()).append('\n');
        Path jmh = run.resolve("jmh.json");
        if (Files.isRegularFile(jmh)) {
            List<Result> results = JmhResults.read(jmh);
            out.append(JmhResults.sealingAgainstFloor(results));
            out.append(JmhResults.streamingPerChunk(results));
            out.append(JmhResults.table(results));
        } else {
            out.append("## JMH\n\nNot run (no ").append(jmh.getFileName()).append(").\n\n");
        }
        out.append(section(run.resolve("inference.md"), "Inference (`InferenceBenchmark`)",
                "Decode and prefill on the bundled model and a SmolLM-135M-shaped checkpoint, tensors per decode step,"
                        + " share of the measured read bandwidth, and the serving overhead of SDK, HTTP and sealing"
                        + " over raw generation and over the floor that any sealed, signed answer on loopback pays."));
        out.append(section(run.resolve("precision.md"), "Weight precisions side by side (`PrecisionBenchmark`)",
                "The four weight precisions of the SmolLM-135M shape loaded in one process and taking turns in a"
                        + " rotated order; per precision, float32's step time over its own in each round (median and"
                        + " range), so that the host's drift falls on all of them alike."));
        out.append(section(run.resolve("load.md"), "Load (`load.LoadProgram`)",
                "A real worker process under hundreds of concurrent paid users on loopback; the load generator"
                        + " shares the machine's cores with the worker."));
        return out.toString();
    }

    private static String section(Path file, String title, String what) throws IOException {
        StringBuilder out = new StringBuilder("## ").append(title).append("\n\n").append(what).append("\n\n");
        if (!Files.isRegularFile(file)) {
            return out.append("Not run (no ").append(file.getFileName()).append(").\n\n").toString();
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            // Only the program's report: its tables and sentences, not the log lines around them.
            if (line.startsWith("|") || line.isBlank() || !line.matches("^(\\[|WARNING|SLF4J|INFO|written |[A-Z][a-z]{2} \\d).*")
                    && !line.contains("INSECURE")) {
                lines.add(line);
            }
        }
        return out.append(String.join("\n", lines).strip()).append("\n\n").toString();
    }

    /** One JMH result. */
    record Result(String benchmark, Map<String, String> params, String mode, double score, double error,
                  String unit) {
        String method() {
            return benchmark.substring(benchmark.lastIndexOf('.') + 1);
        }

        String className() {
            String owner = benchmark.substring(0, benchmark.lastIndexOf('.'));
            return owner.substring(owner.lastIndexOf('.') + 1);
        }
    }

    /** JMH's JSON, as tables. */
    static final class JmhResults {
        private JmhResults() {
        }

        static List<Result> read(Path file) throws IOException {
            List<Result> out = new ArrayList<>();
            for (JsonNode r : new ObjectMapper().readTree(file.toFile())) {
                Map<String, String> params = new LinkedHashMap<>();
                JsonNode p = r.path("params");
                for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                    var e = it.next();
                    params.put(e.getKey(), e.getValue().asText());
                }
                JsonNode primary = r.path("primaryMetric");
                out.add(new Result(r.path("benchmark").asText(), params, r.path("mode").asText(),
                        primary.path("score").asDouble(), primary.path("scoreError").asDouble(Double.NaN),
                        primary.path("scoreUnit").asText()));
            }
            return out;
        }

        static String table(List<Result> results) {
            StringBuilder out = new StringBuilder("## JMH, every benchmark\n\n| benchmark | parameters | score | ± 99.9% |"
                    + " unit |\n| --- | --- | ---: | ---: | --- |\n");
            for (Result r : results) {
                out.append(String.format(Locale.ROOT, "| %s.%s | %s | %s | %s | %s |%n", r.className(), r.method(),
                        r.params().isEmpty() ? "" : r.params().toString().replaceAll("[{}]", ""), number(r.score()),
                        Double.isNaN(r.error()) ? "" : number(r.error()), r.unit()));
            }
            return out.append('\n').toString();
        }

        /** Sealing and opening over the same work with bare primitives ({@code floor*}), per AEAD and size. */
        static String sealingAgainstFloor(List<Result> results) {
            StringBuilder out = new StringBuilder("## Sealing against its floor (`SealingBenchmark`)\n\n"
                    + "The floor is the same work with bare primitives in the same run; the ratio is this project"
                    + " over the floor (issue: at most 1.2).\n\n| operation | AEAD | bytes | this project | floor |"
                    + " ratio |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
            int rows = 0;
            for (Result r : results) {
                if (!r.className().equals("SealingBenchmark") || r.method().startsWith("floor")) {
                    continue;
                }
                String floorName = "floor" + Character.toUpperCase(r.method().charAt(0)) + r.method().substring(1);
                for (Result f : results) {
                    if (f.className().equals("SealingBenchmark") && f.method().equals(floorName)
                            && f.params().equals(r.params())) {
                        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s %s | %s | %.2f |%n", r.method(),
                                r.params().get("aead"), r.params().get("bytes"), number(r.score()), r.unit(),
                                number(f.score()), r.score() / f.score()));
                        rows++;
                    }
                }
            }
            return rows == 0 ? "" : out.append('\n').toString();
        }

        /**
         * What one more chunk of a stream costs ({@code StreamingBenchmark}): streamed at the most chunks less
         * streamed at one, over the chunks between; and what a one-chunk stream costs over a single-shot answer.
         */
        static String streamingPerChunk(List<Result> results) {
            Map<String, Double> scores = new java.util.HashMap<>();
            String unit = "";
            int most = 0;
            for (Result r : results) {
                if (r.className().equals("StreamingBenchmark") && r.params().containsKey("chunks")) {
                    int chunks = Integer.parseInt(r.params().get("chunks"));
                    scores.put(r.method() + "/" + chunks, r.score());
                    most = Math.max(most, chunks);
                    unit = r.unit().replace("/op", "");
                }
            }
            Double oneStreamed = scores.get("streamed/1");
            Double manyStreamed = scores.get("streamed/" + most);
            Double oneSingle = scores.get("singleShot/1");
            if (oneStreamed == null || manyStreamed == null || oneSingle == null || most <= 1) {
                return "";
            }
            return String.format(Locale.ROOT, "## Streams: what a chunk costs (`StreamingBenchmark`)%n%n"
                    + "A real worker on loopback whose engine answers at once, through the SDK; hot, back to back"
                    + " (the issue allows a stream 0.5 ms a request over raw generation plus 20 us a chunk).%n%n"
                    + "| figure | value |%n| --- | ---: |%n"
                    + "| one more chunk: (streamed at %d chunks - streamed at 1) / %d | %s %s |%n"
                    + "| a one-chunk stream over a single-shot answer | %s %s |%n%n", most, most - 1,
                    number((manyStreamed - oneStreamed) / (most - 1)), unit, number(oneStreamed - oneSingle), unit);
        }

        static String number(double v) {
            if (v >= 100) {
                return String.format(Locale.ROOT, "%,.0f", v);
            }
            return String.format(Locale.ROOT, v >= 1 ? "%.2f" : "%.4f", v);
        }
    }

    /** What the figures were measured on. */
    record Machine(String cpu, int cores, long memoryMiB, String os, String java) {
        static Machine read() {
            String cpu = "unknown";
            long memory = -1;
            try {
                for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        cpu = line.substring(line.indexOf(':') + 1).trim();
                        break;
                    }
                }
                for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                    if (line.startsWith("MemTotal:")) {
                        memory = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // Not Linux: said as unknown below.
            }
            return new Machine(cpu, Runtime.getRuntime().availableProcessors(), memory,
                    System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                            + System.getProperty("os.arch"),
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        }

        String markdown() {
            return "| machine | |\n| --- | --- |\n"
                    + "| CPU | " + cpu + " |\n"
                    + "| cores the JVM sees | " + cores + " |\n"
                    + "| memory | " + (memoryMiB < 0 ? "unknown" : String.format(Locale.ROOT, "%,d MiB", memoryMiB))
                    + " |\n"
                    + "| OS | " + os + " |\n"
                    + "| JDK | " + java + " |\n"
                    + "| GPU | none used (the inference figures are CPU; `InferenceBenchmark --device gpu` on a"
                    + " GPU machine) |\n";
        }
    }
}
