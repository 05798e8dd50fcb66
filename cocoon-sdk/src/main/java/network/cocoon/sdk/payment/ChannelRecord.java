package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.util.List;
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
 * @param pending the requests sent since the last verified receipt whose receipts have not been verified, by
 *     seqno; at most {@link #MAX_PENDING}
 */
public record ChannelRecord(TonAddress address, BigInteger channelId, long seqno, long promised, long owed,
                            Optional<SignedSemiChannel> promise, Optional<SignedReceipt> receipt,
                            List<PendingRequest> pending) {
    /** Most unanswered requests a channel may have; the worker returns at most this many earlier receipts. */
    public static final int MAX_PENDING = 32;

    /** Validates presence and that the promise and receipt agree with the numbers. */
    public ChannelRecord {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(promise, "promise");
        Objects.requireNonNull(receipt, "receipt");
        Objects.requireNonNull(pending, "pending");
        pending = List.copyOf(pending);
        long previous = receipt.map(r -> r.receipt().seqno()).orElse(0L);
        for (PendingRequest p : pending) {
            if (p.seqno() <= previous || p.seqno() > seqno || p.sent() > promised) {
                throw new IllegalArgumentException("pending requests are paid by promises after the last receipt,"
                        + " in seqno order");
            }
            previous = p.seqno();
        }
        if (pending.size() > MAX_PENDING) {
            throw new IllegalArgumentException("at most " + MAX_PENDING + " requests may be pending");
        }
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
        return new ChannelRecord(address, channelId, 0, 0, 0, Optional.empty(), Optional.empty(), List.of());
    }

    /** This record after signing {@code next} for the request {@code sent} (stored before it leaves). */
    public ChannelRecord withPromise(SignedSemiChannel next, PendingRequest sent) {
        List<PendingRequest> more = new java.util.ArrayList<>(pending);
        more.add(sent);
        return new ChannelRecord(address, channelId, next.state().body().seqno(), next.state().body().sent(), owed,
                Optional.of(next), receipt, more);
    }

    /** This record after verifying {@code next}: requests up to its seqno are no longer pending. */
    public ChannelRecord withReceipt(SignedReceipt next) {
        long settledUpTo = next.receipt().seqno();
        return new ChannelRecord(address, channelId, seqno, promised, next.receipt().cumulative(), promise,
                Optional.of(next), pending.stream().filter(p -> p.seqno() > settledUpTo).toList());
    }

    /** The seqno of the last verified receipt, 0 before the first. */
    public long receiptSeqno() {
        return receipt.map(r -> r.receipt().seqno()).orElse(0L);
    }
}
