package network.cocoon.worker.payment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import network.cocoon.sdk.payment.ChannelParameters;
import network.cocoon.sdk.payment.OnChainChannel;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.ton.TonApi;
import network.cocoon.sdk.ton.TonApiException;

/**
 * Channel deposits read from TON: the contract at the address derived from the request's parameters must be open,
 * and be that channel (keys, id, terms, payout addresses); the deposit is its {@code balance_A}. Reads are cached
 * for {@code ttl}, so a channel whose client started closing it may be served for up to that long: a bounded
 * risk, traded for one chain read per channel per {@code ttl} instead of one per request.
 */
public final class OnChainFunding implements ChannelFunding {
    private final TonApi api;
    private final Duration ttl;
    private final Clock clock;
    private final ConcurrentHashMap<TonAddress, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(OnChainChannel channel, Instant until) {
    }

    /** Reads through {@code api}, caching each channel for {@code ttl}. */
    public OnChainFunding(TonApi api, Duration ttl, Clock clock) {
        this.api = api;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public long clientDeposit(ChannelParameters channel) throws ChannelUnavailableException {
        TonAddress address = channel.address();
        Cached cached = cache.get(address);
        if (cached == null || !clock.instant().isBefore(cached.until())) {
            OnChainChannel read;
            try {
                read = OnChainChannel.read(api, address);
            } catch (TonApiException e) {
                if (e.reason() == TonApiException.Reason.EXIT_CODE) {
                    throw new ChannelUnavailableException("no channel contract is deployed at the derived address");
                }
                throw new ChannelUnavailableException("the channel cannot be read on chain now", true);
            }
            cached = new Cached(read, clock.instant().plus(ttl));
            cache.put(address, cached);
        }
        OnChainChannel onChain = cached.channel();
        if (onChain.status() != OnChainChannel.Status.OPEN) {
            throw new ChannelUnavailableException("the channel is not open on chain");
        }
        if (onChain.mismatch(channel).isPresent()) {
            throw new ChannelUnavailableException("the contract at the derived address is another channel");
        }
        return onChain.balanceA();
    }
}
