package network.cocoon.worker.payment;

import java.util.Optional;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelMessages;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SemiChannelState;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.TonAddress;

/**
 * What an operator sends to get paid, from its ledger: the channel's best state (the latest promise the client
 * signed) in a {@code start_uncooperative_close}, then {@code finish_uncooperative_close} after the quarantine;
 * or its signature on a cooperative close at the receipts' total. The messages are bodies for the operator's
 * wallet to send to the channel ({@code docs/protocol.md} §10.5); the sandbox test proves the contract pays them.
 */
public final class ChannelSettlement {
    private final PaymentLedger ledger;
    private final Ed25519KeyPair operatorKey;

    /** Settles from {@code ledger} with the operator's channel key. */
    public ChannelSettlement(PaymentLedger ledger, Ed25519KeyPair operatorKey) {
        this.ledger = ledger;
        this.operatorKey = operatorKey;
    }

    /**
     * The {@code start_uncooperative_close} body for a channel: the latest promise in the ledger as A's state,
     * and the operator's own (it never promised anything) as B's; empty when the ledger holds no promise on it.
     */
    public Optional<byte[]> startUncooperativeClose(ChannelParameters channel) {
        TonAddress address = channel.address();
        return ledger.channel(address).map(state -> {
            SignedSemiChannel promise = state.promise();
            SignedSemiChannel own = SignedSemiChannel.sign(new SemiChannelState(channel.channelId(),
                    SemiChannelBody.INITIAL, Optional.of(promise.state().body())), operatorKey);
            return ChannelMessages.startUncooperativeClose(channel, false, operatorKey, promise, own);
        });
    }

    /**
     * The operator's signature on a cooperative close at the receipts' total: {@code balance_A = deposit - charged},
     * {@code balance_B = charged}, A's seqno the latest promise's, B's 1 (the contract takes seqnos strictly above
     * those it committed). The client signs the same close (see {@link ChannelMessages#cooperativeClose}).
     */
    public Optional<ChannelMessages.CooperativeClose> cooperativeClose(ChannelParameters channel, long depositA) {
        return ledger.channel(channel.address()).map(state -> ChannelMessages.cooperativeClose(channel,
                depositA - state.charged(), state.charged(), state.seqno(), 1));
    }

    /** Signs a close with the operator's key. */
    public byte[] sign(ChannelMessages.CooperativeClose close) {
        return close.sign(operatorKey);
    }
}
