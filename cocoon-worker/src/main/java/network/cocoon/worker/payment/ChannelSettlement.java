package network.cocoon.worker.payment;

import java.time.Clock;
import java.util.Optional;
import network.cocoon.sdk.payment.ChannelMessages;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.SemiChannelBody;
import network.cocoon.sdk.payment.SemiChannelState;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.ton.TonApi;
import network.cocoon.sdk.ton.WalletV4;

/**
 * How an operator gets paid from its ledger: the channel's best state (the latest promise the client signed) in a
 * {@code start_uncooperative_close}, then {@code finish_uncooperative_close} after the quarantine; or its
 * signature on a cooperative close at the receipts' total. Messages go to the channel from the operator's wallet,
 * the standard wallet v4r2 of its channel key ({@link #operatorWallet()}), which must hold TON for the fees.
 * {@code docs/protocol.md} §10.5; the sandbox test proves the contract pays these messages.
 */
public final class ChannelSettlement {
    /** Nanotons each message brings the channel for its fees; the contract returns what is left. */
    public static final long MESSAGE_VALUE = 100_000_000L;

    private final PaymentLedger ledger;
    private final PaymentSettings settings;

    /** Settles the channels in {@code ledger} as the operator of {@code settings}. */
    public ChannelSettlement(PaymentLedger ledger, PaymentSettings settings) {
        this.ledger = ledger;
        this.settings = settings;
    }

    /** The operator's wallet: the standard wallet v4r2 of its channel key. */
    public WalletV4 operatorWallet() {
        return new WalletV4(settings.channelKey());
    }

    /**
     * A channel's parameters, rebuilt from the ledger and this operator's terms; empty when the ledger holds no
     * promise on it.
     *
     * @throws IllegalStateException if they do not derive the channel's address (other terms than when it was paid)
     */
    public Optional<ChannelParameters> parameters(TonAddress channel) {
        return ledger.channel(channel).map(state -> {
            ChannelParameters params = new ChannelParameters(state.promise().state().channelId(), state.clientKey(),
                    settings.channelKey().publicKey(), state.clientAddress(), settings.payout(), settings.closing(),
                    settings.excessFee());
            if (!params.address().equals(channel)) {
                throw new IllegalStateException("the ledger's channel " + channel + " was paid under other terms"
                        + " (channel key, payout, closing config or excess fee) than these");
            }
            return params;
        });
    }

    /**
     * The {@code start_uncooperative_close} body: the latest promise in the ledger as A's state, and the
     * operator's own (it never promised anything) as B's; empty when the ledger holds no promise on the channel.
     */
    public Optional<byte[]> startUncooperativeClose(TonAddress channel) {
        return parameters(channel).map(params -> {
            SignedSemiChannel promise = ledger.channel(channel).orElseThrow().promise();
            SignedSemiChannel own = SignedSemiChannel.sign(new SemiChannelState(params.channelId(),
                    SemiChannelBody.INITIAL, Optional.of(promise.state().body())), settings.channelKey());
            return ChannelMessages.startUncooperativeClose(params, false, settings.channelKey(), promise, own);
        });
    }

    /**
     * A cooperative close at the receipts' total, for both parties to sign: {@code balance_A = deposit - charged},
     * {@code balance_B = charged}, A's seqno the latest promise's, B's 1 (the contract takes seqnos strictly above
     * those it committed).
     */
    public Optional<ChannelMessages.CooperativeClose> cooperativeClose(TonAddress channel, long depositA) {
        return parameters(channel).map(params -> {
            var state = ledger.channel(channel).orElseThrow();
            return ChannelMessages.cooperativeClose(params, depositA - state.charged(), state.charged(),
                    state.seqno(), 1);
        });
    }

    /** The operator's signature on a cooperative close. */
    public byte[] sign(ChannelMessages.CooperativeClose close) {
        return close.sign(settings.channelKey());
    }

    /**
     * Sends a message body to a channel from the operator's wallet, through {@code api}.
     *
     * @return the signed external message that was sent
     */
    public byte[] send(TonApi api, TonAddress channel, byte[] body, Clock clock) {
        WalletV4 wallet = operatorWallet();
        byte[] external = wallet.transfer(wallet.seqno(api), clock.instant().getEpochSecond() + 120, channel,
                MESSAGE_VALUE, true, body, null);
        api.sendBoc(external);
        return external;
    }
}
