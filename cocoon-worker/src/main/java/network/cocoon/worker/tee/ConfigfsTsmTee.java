package network.cocoon.worker.tee;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Intel TDX evidence from the Linux configfs-tsm interface (kernel ABI {@code configfs-tsm}): create a report
 * entry under {@code /sys/kernel/config/tsm/report}, check that its {@code provider} is {@code tdx_guest},
 * write the 64-byte report data to {@code inblob} and read the quote from {@code outblob}.
 * {@code generation} counts writes to the entry: it must have grown by exactly one between the read before
 * writing and the read after the quote, or another writer interfered and the quote may not be ours.
 */
public final class ConfigfsTsmTee implements TeePlatform {
    /** Where the kernel exposes configfs-tsm reports. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/kernel/config/tsm/report");
    private static final System.Logger LOG = System.getLogger(ConfigfsTsmTee.class.getName());
    private static final int ATTEMPTS = 3;
    private static final long ATTRIBUTE_WAIT_MILLIS = 10_000;

    private final Path root;
    private final SecureRandom random = new SecureRandom();

    private ConfigfsTsmTee(Path root) {
        this.root = root;
    }

    /**
     * Opens the interface and takes one quote to prove it works, failing closed otherwise.
     *
     * @throws TeeUnavailableException if TDX quotes cannot be produced here
     */
    public static ConfigfsTsmTee open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new TeeUnavailableException("no configfs-tsm at " + root + ": not a TDX guest, or configfs is not "
                    + "mounted (mount -t configfs none /sys/kernel/config)", null);
        }
        ConfigfsTsmTee tee = new ConfigfsTsmTee(root);
        tee.evidence(new byte[64]);
        return tee;
    }

    @Override
    public String platform() {
        return "tdx";
    }

    @Override
    public synchronized byte[] evidence(byte[] reportData) {
        if (reportData.length != 64) {
            throw new IllegalArgumentException("TDX report data is 64 bytes");
        }
        Path entry = root.resolve("cocoon-" + HexFormat.of().formatHex(random.generateSeed(8)));
        try {
            Files.createDirectory(entry);
            try {
                String provider = new String(readAttribute(entry, "provider"), StandardCharsets.US_ASCII).trim();
                if (!provider.equals("tdx_guest")) {
                    throw new TeeUnavailableException("configfs-tsm provider is '" + provider + "', not tdx_guest",
                            null);
                }
                for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                    long before = generation(entry);
                    Files.write(entry.resolve("inblob"), reportData);
                    byte[] quote = readAttribute(entry, "outblob");
                    if (generation(entry) == before + 1 && quote.length > 0) {
                        return quote;
                    }
                }
                throw new TeeUnavailableException("configfs-tsm report kept changing under concurrent writers", null);
            } finally {
                removeEntry(entry);
            }
        } catch (IOException e) {
            throw new TeeUnavailableException("configfs-tsm quote failed: " + e.getMessage(), e);
        }
    }

    /**
     * Reads an attribute. configfs shows a new entry's attributes at once and blocks a read of
     * {@code outblob} until the quote is ready; a file system that populates the entry asynchronously (the
     * tests' stand-in kernel) is waited for, up to a bound.
     */
    private static byte[] readAttribute(Path entry, String name) throws IOException {
        long deadline = System.currentTimeMillis() + ATTRIBUTE_WAIT_MILLIS;
        while (true) {
            try {
                return Files.readAllBytes(entry.resolve(name));
            } catch (NoSuchFileException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for the quote", interrupted);
                }
            }
        }
    }

    private static void removeEntry(Path entry) {
        try {
            Files.deleteIfExists(entry);
        } catch (DirectoryNotEmptyException e) {
            // configfs removes an entry with its attributes; a plain directory standing in for it cannot.
            LOG.log(System.Logger.Level.DEBUG, "report entry {0} left behind", entry);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove report entry {0}: {1}", entry, e.getMessage());
        }
    }

    private static long generation(Path entry) throws IOException {
        try {
            return Long.parseLong(new String(readAttribute(entry, "generation"), StandardCharsets.US_ASCII).trim());
        } catch (NumberFormatException e) {
            throw new IOException("unreadable generation", e);
        }
    }
}
