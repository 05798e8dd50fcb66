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
     * A store of one file per channel in {@code directory} (created if absent). Each save writes a new file,
     * forces it to disk, renames it over the old one atomically and forces the directory, so a crash leaves
     * either the old record or the new one, never a torn one.
     */
    static SpendStore directory(Path directory) {
        return new FileSpendStore(directory);
    }

    /** A store in memory: lost with the process, so for tests and throwaway demos only. */
    static SpendStore inMemory() {
        return new InMemorySpendStore();
    }
}
