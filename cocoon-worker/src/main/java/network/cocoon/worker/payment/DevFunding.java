package network.cocoon.worker.payment;

import network.cocoon.sdk.payment.ChannelParameters;

/**
 * INSECURE: every channel is taken to hold the same declared deposit, and nothing is on chain, so nothing can
 * be paid out. For local development and the quickstart; the worker's attestation says {@code dev} so that
 * clients refuse it unless built for dev.
 *
 * @param deposit the deposit assumed for every channel, nanotons
 */
public record DevFunding(long deposit) implements ChannelFunding {
    /** Validates the deposit. */
    public DevFunding {
        if (deposit <= 0) {
            throw new IllegalArgumentException("deposit must be positive");
        }
    }

    @Override
    public long clientDeposit(ChannelParameters channel) {
        return deposit;
    }
}
