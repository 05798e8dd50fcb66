package network.cocoon.worker.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A small ext4 file system in an image file, loop-mounted with {@code errors=remount-ro}, so that a disk turning
 * read-only under open files is real: {@link #failReadOnly} raises a file-system error through ext4's
 * {@code trigger_fs_error}, and the kernel remounts it read-only as it would on a failing disk, after which every
 * write fails with EROFS. Needs Linux, root, loop devices and e2fsprogs; {@link #mount} is empty elsewhere.
 */
public final class Ext4Image implements AutoCloseable {
    private final Path image;
    private final Path dir;
    private String device;

    private Ext4Image(Path image, Path dir) {
        this.image = image;
        this.dir = dir;
    }

    /** Makes a {@code megabytes} MB image at {@code image} and mounts it on {@code dir}. */
    public static Optional<Ext4Image> mount(Path image, Path dir, int megabytes)
            throws IOException, InterruptedException {
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return Optional.empty();
        }
        Files.createDirectories(dir);
        try (var file = java.nio.channels.FileChannel.open(image, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            file.truncate(0).write(java.nio.ByteBuffer.allocate(1), (long) megabytes * 1024 * 1024 - 1);
        }
        if (run("mkfs.ext4", "-q", "-F", image.toString()) != 0) {
            return Optional.empty();
        }
        Ext4Image mounted = new Ext4Image(image, dir);
        return mounted.mountAgain() ? Optional.of(mounted) : Optional.empty();
    }

    public Path dir() {
        return dir;
    }

    /** A file-system error, as a failing disk raises: the kernel remounts it read-only at once. */
    public void failReadOnly() throws IOException {
        Files.writeString(Path.of("/sys/fs/ext4", device, "trigger_fs_error"), "1");
    }

    /** Unmounts, repairs (as an operator's fsck would) and mounts it again, writable. */
    public void repairAndRemount() throws IOException, InterruptedException {
        unmount();
        run("e2fsck", "-fy", image.toString());
        if (!mountAgain()) {
            throw new IOException("could not mount the repaired image");
        }
    }

    private boolean mountAgain() throws IOException, InterruptedException {
        if (run("mount", "-o", "loop,errors=remount-ro", image.toString(), dir.toString()) != 0) {
            return false;
        }
        Process p = new ProcessBuilder("findmnt", "-n", "-o", "SOURCE", dir.toString()).start();
        String source = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor(10, TimeUnit.SECONDS);
        device = Path.of(source).getFileName().toString();
        if (!Files.exists(Path.of("/sys/fs/ext4", device, "trigger_fs_error"))) {
            unmount();
            return false;
        }
        return true;
    }

    private void unmount() throws IOException, InterruptedException {
        run("umount", dir.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", dir.toString()) != 0) {
            run("umount", "-l", dir.toString());
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return -1; // the tool is not installed
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
