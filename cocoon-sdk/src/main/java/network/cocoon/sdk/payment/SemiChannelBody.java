package network.cocoon.sdk.payment;

/**
 * One party's half of a payment channel's off-chain state, TL-B
 * {@code sc_body#_ seqno:uint64 sent:Coins conditionals:(HashmapE 32 ConditionalPayment)}, without
 * conditional payments (Cocoon never signs or accepts any).
 *
 * @param seqno how many states this party has signed; below 2<sup>32</sup>, because the standard contract
 *     stores committed seqnos as uint32 and a close with a larger one fails
 * @param sent total nanotons this party has promised the other, never decreasing
 */
public record SemiChannelBody(long seqno, long sent) {
    /** The largest seqno the contract can commit. */
    public static final long MAX_SEQNO = 0xFFFF_FFFFL;

    /** Validates the ranges. */
    public SemiChannelBody {
        if (seqno < 0 || seqno > MAX_SEQNO) {
            throw new IllegalArgumentException("seqno must be in [0, 2^32)");
        }
        if (sent < 0) {
            throw new IllegalArgumentException("sent must be at least 0 nanotons");
        }
    }

    /** The body of a party that has signed nothing yet. */
    public static final SemiChannelBody INITIAL = new SemiChannelBody(0, 0);
}
