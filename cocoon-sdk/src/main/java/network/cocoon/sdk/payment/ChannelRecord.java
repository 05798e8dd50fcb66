package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.Objects;
import java.util.Optional;

/**
 * What the client knows of one channel: its last signed promise and the worker's last verified receipt. The
 * SDK stores it before a promise leaves and after each receipt verifies, so a restart neither reuses a seqno
 * nor accepts a charge twice.
 *
 * @param address the channel contract's address (the record's key)
 * @param channelId the channel id
 * @param seqno the seqno of the last promise signed, 0 before the first
 * @param promised the {@code sent} of the last promise signed: the most the worker can claim on-chain
 * @param owed the cumulative amount of the last verified receipt: what the client owes by the receipts
 * @param promise the last promise signed, empty before the first
 * @param receipt the last verified receipt, empty before the first
 */
public record ChannelRecord(TonAddress address, BigInteger channelId, long seqno, long promised, long owed,
                            Optional<SignedSemiChannel> promise, Optional<SignedReceipt> receipt) {
    /** Validates presence and that the promise and receipt agree with the numbers. */
    public ChannelRecord {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(promise, "promise");
        Objects.requireNonNull(receipt, "receipt");
        if (seqno < 0 || promised < 0 || owed < 0 || owed > promised) {
            throw new IllegalArgumentException("a channel record needs 0 <= owed <= promised and seqno >= 0");
        }
        if (promise.isPresent() && (promise.get().state().body().seqno() != seqno
                || promise.get().state().body().sent() != promised)) {
            throw new IllegalArgumentException("the record's promise must be the one its seqno and amount name");
        }
        if (receipt.isPresent() && receipt.get().receipt().cumulative() != owed) {
            throw new IllegalArgumentException("the record's receipt must carry the amount it owes");
        }
    }

    /** A channel nothing has been signed on yet. */
    public static ChannelRecord fresh(TonAddress address, BigInteger channelId) {
        return new ChannelRecord(address, channelId, 0, 0, 0, Optional.empty(), Optional.empty());
    }

    /** This record after signing {@code next}. */
    public ChannelRecord withPromise(SignedSemiChannel next) {
        return new ChannelRecord(address, channelId, next.state().body().seqno(), next.state().body().sent(), owed,
                Optional.of(next), receipt);
    }

    /** This record after verifying {@code next}. */
    public ChannelRecord withReceipt(SignedReceipt next) {
        return new ChannelRecord(address, channelId, seqno, promised, next.receipt().cumulative(), promise,
                Optional.of(next));
    }
}
