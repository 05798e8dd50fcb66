package network.cocoon.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The worker under load: the real command line ({@code WorkerMain}) in a child JVM, so that its memory is its own
 * and nothing of the load generator's heap or threads counts against it.
 */
final class WorkerProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("cocoon worker serving .* at (http://\\S+) on ");

    private final Process process;
    private final URI endpoint;

    private WorkerProcess(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts {@code network.cocoon.worker.WorkerMain} with this JVM's class path and waits for its "serving" line.
     *
     * @param heap the child's heap, committed and touched at start
     * @throws IOException if it exits or does not serve within {@code timeout}; the message quotes its log's tail
     */
    static WorkerProcess start(List<String> workerArgs, String heap, Path log, Duration timeout)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The heap is committed and touched up front, so that what the resident set gains under load is the
        // worker's own growth (native tensors, threads, buffers), not the JVM sizing its heap up to -Xmx.
        List<String> command = new ArrayList<>(List.of(java, "-Xms" + heap, "-Xmx" + heap, "-XX:+AlwaysPreTouch",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "network.cocoon.worker.WorkerMain"));
        command.addAll(workerArgs);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = SERVING.matcher(Files.readString(log));
            if (m.find()) {
                return new WorkerProcess(process, URI.create(m.group(1)));
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IOException("the worker did not start; its log ends:\n" + tail(log));
    }

    URI endpoint() {
        return endpoint;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The worker's resident set in bytes, from {@code /proc}; -1 where there is none. */
    long residentBytes() {
        return procStatus("VmRSS:") * 1024;
    }

    /** The CPU time the worker's process has used so far, or -1 where the platform does not say. */
    long cpuNanos() {
        return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** The worker's threads, from {@code /proc}; -1 where there is none. */
    long threads() {
        return procStatus("Threads:");
    }

    private long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process is gone: the figure is unknown, not zero.
        }
        return -1;
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, so the worker drains as in production; forcibly after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
