package network.cocoon.worker.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test, so that a full or read-only disk is real: the kernel answers ENOSPC and
 * EROFS, as it would under the worker's ledger in production. Needs Linux and the right to mount (root with
 * CAP_SYS_ADMIN, as on the project's CI machines); {@link #mount} is empty elsewhere.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;
    private final Path filler;

    private Tmpfs(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Mounts a tmpfs of {@code size} (for example {@code 4m}) on the empty directory {@code dir}. */
    public static Optional<Tmpfs> mount(Path dir, String size) throws IOException, InterruptedException {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.empty();
        }
        Files.createDirectories(dir);
        if (run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0755", "cocoon-test", dir.toString()) != 0) {
            return Optional.empty();
        }
        return Optional.of(new Tmpfs(dir));
    }

    public Path dir() {
        return dir;
    }

    /** Writes a filler file until the kernel says the disk is full. */
    public void fill() throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    /** Deletes the filler: the disk has room again. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Remounts read-only ({@code true}) or read-write. Open files stay open; writes to them fail with EROFS. */
    public void readOnly(boolean readOnly) throws IOException, InterruptedException {
        if (run("mount", "-o", "remount," + (readOnly ? "ro" : "rw"), dir.toString()) != 0) {
            throw new IOException("remount " + (readOnly ? "ro" : "rw") + " failed");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // Lazily, in case a file on it is still open; the kernel frees it when the last one closes.
        run("umount", "-l", dir.toString());
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
