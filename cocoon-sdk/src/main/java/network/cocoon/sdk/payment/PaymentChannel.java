package network.cocoon.sdk.payment;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.PaymentException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.PaymentTerms;

/**
 * The client's side of a payment channel to a worker's operator, and the limits the SDK pays within. Given to
 * {@code CocoonClient.Builder#payment}; the SDK then pays each request with a signed promise and verifies each
 * receipt.
 *
 * <pre>{@code
 * PaymentChannel channel = PaymentChannel.builder()
 *         .clientKey(channelKey)                   // party A's key, the one the channel was deployed with
 *         .clientAddress(myWallet)
 *         .channelId(id)
 *         .address(TonAddress.parse("0:e55a...", "channel"))  // the contract you funded
 *         .deposit(2_000_000_000L)                 // what you deposited, nanotons
 *         .maxCostPerRequest(50_000_000L)
 *         .store(SpendStore.directory(Path.of("channels")))
 *         .build();
 * }</pre>
 *
 * <p>Immutable; the key pair is held, not copied.
 */
public final class PaymentChannel {
    private final Ed25519KeyPair clientKey;
    private final TonAddress clientAddress;
    private final BigInteger channelId;
    private final TonAddress address;
    private final long deposit;
    private final long maxCostPerRequest;
    private final SpendStore store;
    private final boolean devMode;
    private final TokenCounter tokenCounter;

    private PaymentChannel(Builder b) {
        this.tokenCounter = b.tokenCounter;
        this.clientKey = b.clientKey;
        this.clientAddress = b.clientAddress;
        this.channelId = b.channelId;
        this.address = b.address;
        this.deposit = b.deposit;
        this.maxCostPerRequest = b.maxCostPerRequest;
        this.store = b.store;
        this.devMode = b.devMode;
    }

    /** A builder; every setting but {@link Builder#address} is required, and that one outside dev mode. */
    public static Builder builder() {
        return new Builder();
    }

    /** A random 128-bit channel id: a signed state names the id, not the contract, so ids must not repeat. */
    public static BigInteger randomChannelId() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return new BigInteger(1, bytes);
    }

    /** The key that signs promises (party A). */
    public Ed25519KeyPair clientKey() {
        return clientKey;
    }

    /** The client's payout wallet. */
    public TonAddress clientAddress() {
        return clientAddress;
    }

    /** The channel id. */
    public BigInteger channelId() {
        return channelId;
    }

    /** The contract address the user funded; empty in dev mode when none was given. */
    public Optional<TonAddress> address() {
        return Optional.ofNullable(address);
    }

    /** Party A's deposit, nanotons: no promise ever exceeds it. */
    public long deposit() {
        return deposit;
    }

    /** The most one request may cost, nanotons (its maximum, and what a worker's 402 may ask on top of the debt). */
    public long maxCostPerRequest() {
        return maxCostPerRequest;
    }

    /** Where channel records are kept. */
    public SpendStore store() {
        return store;
    }

    /** The counter the SDK checks billed tokens with, if the application gave one. */
    public java.util.Optional<TokenCounter> tokenCounter() {
        return java.util.Optional.ofNullable(tokenCounter);
    }

    /** Whether this channel pays workers in the insecure {@code dev} payment mode (no chain). */
    public boolean devMode() {
        return devMode;
    }

    /**
     * The channel's parameters with a worker whose attested terms and payout are given, checked against this
     * channel: the derived address must be {@link #address()} when one was given.
     *
     * @throws PaymentException with {@link Reason#CHANNEL_MISMATCH} naming what disagrees
     */
    public ChannelParameters parametersWith(PaymentTerms terms, String payout) {
        if (terms == null) {
            throw mismatch("payment", "the worker attests no payment terms");
        }
        if (terms.isDev() != devMode) {
            throw mismatch("payment.mode", devMode
                    ? "this is a dev channel, and the worker takes payment on TON"
                    : "the worker is in the INSECURE dev payment mode; build the channel with devMode() to accept it");
        }
        TonAddress operatorAddress;
        try {
            operatorAddress = TonAddress.parse(payout, "payout");
        } catch (RuntimeException e) {
            throw mismatch("payout", "the worker's payout is not a raw TON address");
        }
        ChannelParameters params = new ChannelParameters(channelId, clientKey.publicKey(), terms.channelKey(),
                clientAddress, operatorAddress, new ClosingConfig(terms.quarantineDuration(), terms.misbehaviorFine(),
                terms.conditionalCloseDuration()), terms.excessFee());
        if (address != null && !address.equals(params.address())) {
            throw mismatch("address", "the channel derived from the worker's attested terms is not the one"
                    + " configured (another operator key, payout or closing terms)");
        }
        return params;
    }

    private static PaymentException mismatch(String field, String message) {
        return new PaymentException(Reason.CHANNEL_MISMATCH, field, message, null, null);
    }

    @Override
    public String toString() {
        return "PaymentChannel[id=" + channelId + ", address=" + (address == null ? "derived" : address)
                + (devMode ? ", dev" : "") + "]";
    }

    /** Builds a {@link PaymentChannel}. */
    public static final class Builder {
        private Ed25519KeyPair clientKey;
        private TonAddress clientAddress;
        private BigInteger channelId;
        private TonAddress address;
        private long deposit = -1;
        private long maxCostPerRequest = -1;
        private SpendStore store;
        private boolean devMode;
        private TokenCounter tokenCounter;

        private Builder() {
        }

        /**
         * Checks every receipt's token counts with the attested model's tokenizer (optional): a count that differs
         * is refused as {@code RECEIPT_MISMATCH} on {@code prompt_tokens} or {@code completion_tokens}.
         */
        public Builder tokenCounter(TokenCounter counter) {
            this.tokenCounter = Objects.requireNonNull(counter);
            return this;
        }

        /** Party A's channel key (required). */
        public Builder clientKey(Ed25519KeyPair key) {
            this.clientKey = Objects.requireNonNull(key);
            return this;
        }

        /** The client's payout wallet (required). */
        public Builder clientAddress(TonAddress wallet) {
            this.clientAddress = Objects.requireNonNull(wallet);
            return this;
        }

        /** The channel id (required); see {@link PaymentChannel#randomChannelId()}. */
        public Builder channelId(BigInteger id) {
            this.channelId = Objects.requireNonNull(id);
            return this;
        }

        /** The address of the contract the user deployed and funded (required outside dev mode). */
        public Builder address(TonAddress contract) {
            this.address = Objects.requireNonNull(contract);
            return this;
        }

        /** Party A's deposit in the contract, nanotons (required, positive). */
        public Builder deposit(long nanotons) {
            if (nanotons <= 0) {
                throw new IllegalArgumentException("deposit must be positive");
            }
            this.deposit = nanotons;
            return this;
        }

        /** The most one request may cost, nanotons (required, positive). */
        public Builder maxCostPerRequest(long nanotons) {
            if (nanotons <= 0) {
                throw new IllegalArgumentException("maxCostPerRequest must be positive");
            }
            this.maxCostPerRequest = nanotons;
            return this;
        }

        /** Where channel records are kept (required); {@link SpendStore#directory} survives restarts. */
        public Builder store(SpendStore spendStore) {
            this.store = Objects.requireNonNull(spendStore);
            return this;
        }

        /**
         * Pays workers in the INSECURE {@code dev} payment mode, where nothing is on chain and the worker trusts
         * the declared deposit. For local development only; such a channel refuses workers that take TON.
         */
        public Builder devMode() {
            this.devMode = true;
            return this;
        }

        /** Builds the channel. */
        public PaymentChannel build() {
            if (clientKey == null || clientAddress == null || channelId == null || store == null || deposit < 0
                    || maxCostPerRequest < 0) {
                throw new IllegalStateException("clientKey, clientAddress, channelId, deposit, maxCostPerRequest and"
                        + " store are required");
            }
            if (address == null && !devMode) {
                throw new IllegalStateException("the channel's contract address is required outside dev mode");
            }
            if (channelId.signum() < 0 || channelId.bitLength() > 128) {
                throw new IllegalStateException("channelId must fit uint128");
            }
            return new PaymentChannel(this);
        }
    }
}
