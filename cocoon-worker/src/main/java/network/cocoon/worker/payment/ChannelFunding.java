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
        private final boolean temporary;

        /** A fixed text: it reaches clients. */
        public ChannelUnavailableException(String fixedText) {
            this(fixedText, false);
        }

        /** A fixed text; {@code temporary} when the chain could not be read (try again later). */
        public ChannelUnavailableException(String fixedText, boolean temporary) {
            super(fixedText, null, false, false);
            this.temporary = temporary;
        }

        /** Whether the chain could not be read, rather than the channel being unusable. */
        public boolean temporary() {
            return temporary;
        }
    }
}
