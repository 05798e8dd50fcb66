package network.cocoon.sdk.payment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;

/**
 * {@link SpendStore#directory(Path)}: one journal per channel ({@link SpendJournal}), named after the channel's
 * address. A save appends the record and forces its data: one write, one {@code fdatasync}. A new journal, and
 * one that has grown past {@link #COMPACT_BYTES}, is instead written whole beside the old one and renamed over
 * it, so that a journal never grows without bound and never exists half-created.
 *
 * <p>A directory belongs to one process: the first store on it takes an exclusive lock on its {@code .lock}
 * file and holds it until the process exits, and every store on the same directory in the process shares one
 * state. So the records it returns after the first read are the ones it saved, without reading the disk again,
 * and no other writer can make them stale.
 *
 * <p>Records written by earlier versions, one JSON file per channel replaced whole, are read as they are; the
 * first save on such a channel starts its journal and removes the old file.
 */
final class FileSpendStore implements SpendStore {
    /** A journal longer than this is rewritten with its last record only on the next save. */
    static final long COMPACT_BYTES = 64 * 1024;
    private static final HexFormat HEX = HexFormat.of();
    /** Per real directory path, for the life of the process: the lock can only be taken once per process. */
    private static final ConcurrentHashMap<Path, Directory> OPEN = new ConcurrentHashMap<>();

    private final Path requested;
    private volatile Directory directory;

    FileSpendStore(Path directory) {
        this.requested = directory.toAbsolutePath().normalize();
    }

    @Override
    public Optional<ChannelRecord> load(TonAddress channel) {
        Journal journal = directory().journal(channel);
        synchronized (journal) {
            journal.read();
            return Optional.ofNullable(journal.record);
        }
    }

    @Override
    public void save(ChannelRecord record) {
        Journal journal = directory().journal(record.address());
        synchronized (journal) {
            journal.read();
            journal.write(record);
        }
    }

    private Directory directory() {
        Directory known = directory;
        if (known == null) {
            known = open(requested);
            directory = known;
        }
        return known;
    }

    private static Directory open(Path requested) {
        Path real;
        try {
            Files.createDirectories(requested);
            real = requested.toRealPath();
        } catch (IOException e) {
            throw failed("cannot open the spend store directory " + requested, e);
        }
        Directory open = OPEN.get(real);
        if (open != null) {
            return open;
        }
        synchronized (OPEN) {
            open = OPEN.get(real);
            if (open == null) {
                open = new Directory(real, lock(real));
                open.removeTemporaryFiles();
                OPEN.put(real, open);
            }
            return open;
        }
    }

    private static FileLock lock(Path directory) {
        FileLock lock;
        try {
            // Never closed: the lock is the process's claim on the directory until it exits.
            FileChannel file = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            lock = file.tryLock();
            if (lock == null) {
                file.close();
            }
        } catch (IOException e) {
            throw failed("cannot lock the spend store directory " + directory, e);
        }
        if (lock == null) {
            throw failed("another process is using the spend store directory " + directory
                    + ": two writers could sign the same seqno twice", null);
        }
        return lock;
    }

    /**
     * What a process opening {@code directory} would load for {@code channel}, read without the directory's lock:
     * what the disk holds, for checks and recovery tools.
     */
    static Optional<ChannelRecord> stored(Path directory, TonAddress channel) {
        Path dir = directory.toAbsolutePath();
        return Optional.ofNullable(stored(journalFile(dir, channel), legacyFile(dir, channel), channel).record);
    }

    private static Path journalFile(Path directory, TonAddress channel) {
        return directory.resolve(fileName(channel) + ".journal");
    }

    /** The whole-file record of versions before the journal. */
    private static Path legacyFile(Path directory, TonAddress channel) {
        return directory.resolve(fileName(channel) + ".json");
    }

    private static String fileName(TonAddress channel) {
        return "channel-" + (channel.workchain() & 0xff) + "-" + HEX.formatHex(channel.hash());
    }

    /** A channel's record on disk, {@code null} if none, and where its journal's last entry ends (-1: none). */
    private record Stored(ChannelRecord record, long end) {
    }

    private static Stored stored(Path file, Path legacy, TonAddress channel) {
        byte[] bytes;
        boolean fromJournal = true;
        try {
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                fromJournal = false;
                bytes = Files.readAllBytes(legacy);
            }
        } catch (NoSuchFileException e) {
            return new Stored(null, -1);
        } catch (IOException e) {
            throw failed("cannot read the record of channel " + channel, e);
        }
        try {
            if (fromJournal) {
                SpendJournal.Scan scan = SpendJournal.scan(bytes);
                return new Stored(ChannelRecordJson.decode(scan.record(), channel), scan.end());
            }
            return new Stored(ChannelRecordJson.decode(bytes, channel), -1);
        } catch (IOException | RuntimeException e) {
            throw failed("the record of channel " + channel + " is damaged", e);
        }
    }

    private static PaymentException failed(String message, Throwable cause) {
        return new PaymentException(Reason.STORE_FAILED, message, cause);
    }

    /** One locked directory and the state of the channels used in it. */
    private static final class Directory {
        private final Path path;
        @SuppressWarnings("unused") // held, not used: releasing it would let another process in
        private final FileLock lock;
        private final ConcurrentHashMap<TonAddress, Journal> journals = new ConcurrentHashMap<>();

        Directory(Path path, FileLock lock) {
            this.path = path;
            this.lock = lock;
        }

        Journal journal(TonAddress channel) {
            return journals.computeIfAbsent(channel, c -> new Journal(this, c));
        }

        /** What a replacement the process died in left; with the lock held, no one else is writing them. */
        void removeTemporaryFiles() {
            try (var temporary = Files.newDirectoryStream(path, ".channel-*.tmp")) {
                for (Path file : temporary) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw failed("cannot clean the spend store directory " + path, e);
            }
        }

        void force() throws IOException {
            try (FileChannel dir = FileChannel.open(path, StandardOpenOption.READ)) {
                dir.force(true);
            } catch (UnsupportedOperationException | java.nio.file.AccessDeniedException e) {
                // Windows: directories cannot be opened as channels; NTFS journals the rename itself.
            }
        }
    }

    /** One channel's journal; every method runs with its monitor held. */
    private static final class Journal {
        private final Directory directory;
        private final TonAddress channel;
        private final Path file;
        private final Path legacy;
        /** Whether {@link #record} and {@link #end} say what the disk holds. */
        private boolean known;
        private ChannelRecord record;
        /** Where the last complete entry ends; -1 while the channel has no journal. */
        private long end = -1;

        Journal(Directory directory, TonAddress channel) {
            this.directory = directory;
            this.channel = channel;
            this.file = journalFile(directory.path, channel);
            this.legacy = legacyFile(directory.path, channel);
        }

        void read() {
            if (known) {
                return;
            }
            Stored stored = stored(file, legacy, channel);
            record = stored.record;
            end = stored.end;
            known = true;
        }

        void write(ChannelRecord next) {
            byte[] json = ChannelRecordJson.encode(next);
            byte[] entry = SpendJournal.entry(json);
            try {
                if (end < 0 || end + entry.length > COMPACT_BYTES) {
                    replace(json);
                } else {
                    append(entry);
                }
            } catch (IOException e) {
                known = false; // the next use reads what the disk holds now
                throw failed("cannot durably save the record of channel " + channel, e);
            }
            record = next;
        }

        private void append(byte[] entry) throws IOException {
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
                long size = out.size();
                if (size < end) {
                    throw new IOException("the journal is shorter than this process wrote it");
                }
                if (size > end) {
                    out.truncate(end); // what an interrupted append left
                }
                ByteBuffer buffer = ByteBuffer.wrap(entry);
                long position = end;
                while (buffer.hasRemaining()) {
                    position += out.write(buffer, position);
                }
                out.force(false);
            }
            end += entry.length;
        }

        private void replace(byte[] json) throws IOException {
            byte[] journal = SpendJournal.fresh(json);
            Path temp = Files.createTempFile(directory.path, ".channel-", ".tmp");
            try {
                try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                    ByteBuffer buffer = ByteBuffer.wrap(journal);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                    out.force(true);
                }
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("the file system cannot replace files atomically", e);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            directory.force();
            // The journal decides from now on, so losing this removal to a crash would be harmless.
            Files.deleteIfExists(legacy);
            end = journal.length;
        }
    }
}
