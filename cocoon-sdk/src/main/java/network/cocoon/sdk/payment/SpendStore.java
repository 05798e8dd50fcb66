package network.cocoon.sdk.payment;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the SDK keeps each channel's {@link ChannelRecord}. {@link #save} must be durable when it returns: the
 * SDK saves a promise before sending it and a receipt before returning the answer, and a lost write could make
 * it sign a seqno twice or accept a charge twice after a restart.
 *
 * <p>Implementations must be safe for use by several threads; the SDK never saves one channel from two threads
 * at once.
 */
public interface SpendStore {
    /**
     * The record of a channel, if one was saved.
     *
     * @throws network.cocoon.sdk.PaymentException with {@code STORE_FAILED} if it cannot be read
     */
    Optional<ChannelRecord> load(TonAddress channel);

    /**
     * Saves a record, replacing the channel's previous one, durably.
     *
     * @throws network.cocoon.sdk.PaymentException with {@code STORE_FAILED} if it cannot be written
     */
    void save(ChannelRecord record);

    /**
     * A store of one journal file per channel in {@code directory} (created if absent). Each save appends the
     * record with a checksum and forces it to disk before returning (one {@code fdatasync}); a crash in the
     * middle of a save leaves the record before it, never a torn one. A journal is rewritten whole, by an atomic
     * rename, when it is created and when it has grown past 64 KiB. A record that fails its checksum anywhere but
     * in the save a crash interrupted, or that does not parse, is refused with {@code STORE_FAILED}, not
     * repaired.
     *
     * <p>One process at a time uses a directory: the first store on it locks it until the process exits, and a
     * store in another process gets {@code STORE_FAILED} instead of signing seqnos this one signs too. Stores on
     * the same directory within a process share their state, and after a channel's first read they answer
     * {@link #load} from memory. Directories written by earlier versions (one {@code .json} file per channel)
     * are read as they are and turned into journals on their first save.
     */
    static SpendStore directory(Path directory) {
        return new FileSpendStore(directory);
    }

    /** A store in memory: lost with the process, so for tests and throwaway demos only. */
    static SpendStore inMemory() {
        return new InMemorySpendStore();
    }
}
