package network.cocoon.benchmarks.load;

import static network.cocoon.benchmarks.load.LoadProgram.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A load run's figures and checks, as Markdown for people and JSON for {@code benchmarks/RESULTS.md}. */
final class LoadReport {
    private static final long MIB = 1024 * 1024;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    private final LoadProgram.Settings settings;
    private final double seconds;
    private final Map<LoadRecorder.Kind, LoadRecorder.Summary> kinds = new LinkedHashMap<>();
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final long hung;
    private final String after;
    private final boolean alive;
    private final Memory memory;
    private final LoadProgram.Cpu cpu;
    private final List<String> failures = new ArrayList<>();
    private String memoryFailure;
    private final Path json;

    /** The worker's resident memory: first sample, peak in the run's first and last thirds, peak, threads. */
    record Memory(long firstBytes, long firstThirdPeakBytes, long lastThirdPeakBytes, long peakBytes,
                  long peakThreads, int samples) {
        boolean bounded() {
            return lastThirdPeakBytes <= firstThirdPeakBytes * 1.10 + 32 * MIB;
        }
    }

    LoadReport(LoadProgram.Settings settings, double seconds, LoadRecorder recorder,
               LoadProgram.MemorySampler sampler, LoadProgram.Cpu cpu, long hung, String after, boolean alive,
               Path json) {
        this.settings = settings;
        this.cpu = cpu;
        this.seconds = seconds;
        this.hung = hung;
        this.after = after;
        this.alive = alive;
        this.json = json;
        for (LoadRecorder.Kind k : LoadRecorder.Kind.values()) {
            LoadRecorder.Summary s = recorder.summary(k);
            kinds.put(k, s);
            s.outcomes().forEach((o, n) -> outcomes.merge(o, n, Long::sum));
        }
        this.memory = memory(sampler.samples(), settings.duration().toNanos());
        check();
        if (json != null) {
            writeJson();
        }
    }

    private static Memory memory(List<long[]> samples, long runNanos) {
        long first = samples.isEmpty() ? -1 : samples.get(0)[1];
        long firstThird = -1;
        long lastThird = -1;
        long peak = -1;
        long threads = -1;
        for (long[] s : samples) {
            peak = Math.max(peak, s[1]);
            threads = Math.max(threads, s[2]);
            if (s[0] <= runNanos / 3) {
                firstThird = Math.max(firstThird, s[1]);
            } else if (s[0] >= runNanos * 2 / 3 && s[0] <= runNanos) {
                lastThird = Math.max(lastThird, s[1]);
            }
        }
        return new Memory(first, firstThird, lastThird, peak, threads, samples.size());
    }

    private void check() {
        long answered = 0;
        for (var e : outcomes.entrySet()) {
            if (!LoadRecorder.acceptable(e.getKey())) {
                failures.add(e.getValue() + " requests ended in '" + e.getKey() + "'");
            }
        }
        for (var e : kinds.entrySet()) {
            answered += e.getValue().answered();
            if (e.getValue().unexpectedAnswers() > 0) {
                failures.add(e.getValue().unexpectedAnswers() + " " + e.getKey().label
                        + " answers differ from the answer to the same prompt alone");
            }
        }
        if (answered == 0) {
            failures.add("no request was answered");
        }
        if (hung > 0) {
            failures.add(hung + " users were still inside a request " + LoadProgram.REQUEST_TIMEOUT.toSeconds()
                    + " s + 30 s after the end");
        }
        if (!alive) {
            failures.add("the worker process died");
        }
        if (!after.equals("answered as before")) {
            failures.add("a request after the load: " + after);
        }
        if (memory.samples() == 0 || memory.firstBytes() < 0) {
            memoryFailure = "the worker's memory could not be read (/proc)";
        } else if (memory.lastThirdPeakBytes() >= 0 && !memory.bounded()) {
            memoryFailure = "the worker's memory grew: last third peak " + memory.lastThirdPeakBytes() / MIB
                    + " MiB against " + memory.firstThirdPeakBytes() / MIB + " MiB in the first third";
        }
    }

    /** Whether every check held, the memory check included. */
    boolean passed() {
        return failures.isEmpty() && memoryFailure == null;
    }

    /**
     * The failed checks on requests and the worker's life, apart from memory (which needs a run of a minute or
     * more to say anything: the first seconds include warm-up).
     */
    List<String> requestFailures() {
        return List.copyOf(failures);
    }

    /** What each kind's requests ended in. */
    Map<LoadRecorder.Kind, LoadRecorder.Summary> kinds() {
        return kinds;
    }

    Path json() {
        return json;
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(format("%nLoad: %d users for %.0f s, half single-shot and half streamed, %s, %d max tokens,"
                + " the worker in its own JVM (heap %s, touched at start)%n%n", settings.users(), settings.duration().toSeconds() * 1.0,
                settings.paid() ? "every request paid on the user's own dev channel" : "unpaid",
                settings.maxTokens(), settings.heap()));
        out.append("| kind | requests | answered | answers/s | tokens/s | p50 ms | p90 ms | p99 ms | max ms"
                + " | first text p50 / p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (var e : kinds.entrySet()) {
            LoadRecorder.Summary s = e.getValue();
            out.append(format("| %s | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %s |%n", e.getKey().label,
                    s.requests(), s.answered(), s.answered() / seconds, s.completionTokens() / seconds, s.p50(),
                    s.p90(), s.p99(), s.max(), e.getKey().streamed()
                            ? format("%.1f / %.1f", s.firstTextP50(), s.firstTextP99()) : "-"));
        }
        out.append("\n| outcome | requests |\n| --- | ---: |\n");
        outcomes.forEach((o, n) -> out.append(format("| %s | %d |%n", o, n)));
        out.append(format("%nWorker resident memory: %d MiB at the start, peak %d MiB in the first third and %d MiB"
                        + " in the last (%s), %d MiB overall; at most %d threads.%n", memory.firstBytes() / MIB,
                memory.firstThirdPeakBytes() / MIB, memory.lastThirdPeakBytes() / MIB,
                memory.bounded() ? "bounded" : "GREW", memory.peakBytes() / MIB, memory.peakThreads()));
        long answered = kinds.values().stream().mapToLong(LoadRecorder.Summary::answered).sum();
        if (answered > 0 && cpu.workerNanos() >= 0 && cpu.generatorNanos() >= 0) {
            out.append(format("CPU per answered request: worker %.2f ms, load generator %.2f ms (%.0f%% and %.0f%% of"
                            + " %d cores over the run).%n", cpu.workerNanos() / 1e6 / answered,
                    cpu.generatorNanos() / 1e6 / answered, 100 * cpu.workerNanos() / 1e9 / seconds / CORES,
                    100 * cpu.generatorNanos() / 1e9 / seconds / CORES, CORES));
        }
        out.append(format("Users still in a request after the end: %d. After the load the worker %s.%n", hung,
                after));
        List<String> all = new ArrayList<>(failures);
        if (memoryFailure != null) {
            all.add(memoryFailure);
        }
        out.append(all.isEmpty() ? "All checks passed.\n" : "FAILED:\n- " + String.join("\n- ", all) + "\n");
        return out.toString();
    }

    private void writeJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("users", settings.users());
        root.put("seconds", seconds);
        root.put("maxTokens", settings.maxTokens());
        root.put("paid", settings.paid());
        Map<String, Object> byKind = new LinkedHashMap<>();
        kinds.forEach((k, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", s.requests());
            m.put("answered", s.answered());
            m.put("answersPerSecond", s.answered() / seconds);
            m.put("tokensPerSecond", s.completionTokens() / seconds);
            m.put("p50Ms", s.p50());
            m.put("p90Ms", s.p90());
            m.put("p99Ms", s.p99());
            m.put("maxMs", s.max());
            if (k.streamed()) {
                m.put("firstTextP50Ms", s.firstTextP50());
                m.put("firstTextP99Ms", s.firstTextP99());
            }
            m.put("outcomes", s.outcomes());
            byKind.put(k.label, m);
        });
        root.put("kinds", byKind);
        root.put("outcomes", outcomes);
        root.put("memory", Map.of("firstMiB", memory.firstBytes() / MIB, "firstThirdPeakMiB",
                memory.firstThirdPeakBytes() / MIB, "lastThirdPeakMiB", memory.lastThirdPeakBytes() / MIB,
                "peakMiB", memory.peakBytes() / MIB, "peakThreads", memory.peakThreads(), "bounded", memory.bounded()));
        root.put("workerCpuNanos", cpu.workerNanos());
        root.put("generatorCpuNanos", cpu.generatorNanos());
        root.put("hung", hung);
        root.put("after", after);
        List<String> all = new ArrayList<>(failures);
        if (memoryFailure != null) {
            all.add(memoryFailure);
        }
        root.put("failures", all);
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
