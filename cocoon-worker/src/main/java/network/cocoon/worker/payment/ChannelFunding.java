package network.cocoon.worker.payment;

import network.cocoon.sdk.payment.ChannelParameters;

/**
 * What the client has deposited in a channel: the ceiling of any promise the worker accepts, since a promise
 * above the deposit makes the payee's close fail on chain. The TON source reads the contract's
 * {@code get_channel_data}; {@link DevFunding} needs no chain.
 */
public interface ChannelFunding {
    /**
     * The client's (party A's) balance in the channel with these parameters, nanotons.
     *
     * @throws ChannelUnavailableException if the channel is not deployed, not open, or not with these keys
     */
    long clientDeposit(ChannelParameters channel) throws ChannelUnavailableException;

    /** Why a channel cannot be paid on. */
    final class ChannelUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        /** A fixed text: it reaches clients. */
        public ChannelUnavailableException(String fixedText) {
            super(fixedText, null, false, false);
        }
    }
}
