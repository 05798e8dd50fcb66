package network.cocoon.sdk.payment;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link SpendStore#inMemory()}. */
final class InMemorySpendStore implements SpendStore {
    private final ConcurrentHashMap<TonAddress, ChannelRecord> records = new ConcurrentHashMap<>();

    @Override
    public Optional<ChannelRecord> load(TonAddress channel) {
        return Optional.ofNullable(records.get(channel));
    }

    @Override
    public void save(ChannelRecord record) {
        records.put(record.address(), record);
    }
}
