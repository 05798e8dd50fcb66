package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import network.cocoon.sdk.chat.InvalidFieldException;

/**
 * How a worker is paid, bound into its attestation: the operator's channel key and the channel terms it
 * accepts. With these, the client's own key and wallet and a random channel id, a client derives the channel's
 * address itself (see {@code ChannelParameters#address()} in the payment package) instead of trusting one it is
 * given; the operator's payout address is the document's {@code payout}.
 *
 * @param mode {@code ton} (channels funded on TON) or {@code dev} (no chain: the worker trusts a declared
 *     deposit; INSECURE, for development)
 * @param channelKey the operator's Ed25519 channel key, party B of every channel
 * @param quarantineDuration the closing config's quarantine, seconds
 * @param misbehaviorFine the closing config's fine, nanotons
 * @param conditionalCloseDuration the closing config's conditional close duration, seconds
 * @param excessFee the payment config's excess fee, nanotons
 */
public record PaymentTerms(String mode, @JsonProperty("channel_key") byte[] channelKey,
                           @JsonProperty("quarantine_duration") long quarantineDuration,
                           @JsonProperty("misbehavior_fine") long misbehaviorFine,
                           @JsonProperty("conditional_close_duration") long conditionalCloseDuration,
                           @JsonProperty("excess_fee") long excessFee) {
    /** Channels funded on TON. */
    public static final String MODE_TON = "ton";
    /** No chain; for development only. */
    public static final String MODE_DEV = "dev";

    /** Validates each field, naming it. */
    public PaymentTerms {
        if (!MODE_TON.equals(mode) && !MODE_DEV.equals(mode)) {
            throw new InvalidFieldException("payment.mode", "must be ton or dev");
        }
        if (channelKey == null || channelKey.length != 32) {
            throw new InvalidFieldException("payment.channel_key", "must be a 32-byte Ed25519 public key");
        }
        if (quarantineDuration < 0 || quarantineDuration > 0xFFFF_FFFFL) {
            throw new InvalidFieldException("payment.quarantine_duration", "must fit uint32");
        }
        if (conditionalCloseDuration < 0 || conditionalCloseDuration > 0xFFFF_FFFFL) {
            throw new InvalidFieldException("payment.conditional_close_duration", "must fit uint32");
        }
        if (misbehaviorFine < 0) {
            throw new InvalidFieldException("payment.misbehavior_fine", "must be at least 0");
        }
        if (excessFee < 0) {
            throw new InvalidFieldException("payment.excess_fee", "must be at least 0");
        }
        channelKey = channelKey.clone();
    }

    /** A copy of the operator's channel key. */
    @Override
    public byte[] channelKey() {
        return channelKey.clone();
    }

    /** Whether this is the insecure development mode. */
    @JsonIgnore
    public boolean isDev() {
        return MODE_DEV.equals(mode);
    }

    void encode(CanonicalEncoder encoder) {
        encoder.text("payment").text(mode).bytes(channelKey).int64(quarantineDuration).int64(misbehaviorFine)
                .int64(conditionalCloseDuration).int64(excessFee);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaymentTerms t && mode.equals(t.mode) && java.util.Arrays.equals(channelKey, t.channelKey)
                && quarantineDuration == t.quarantineDuration && misbehaviorFine == t.misbehaviorFine
                && conditionalCloseDuration == t.conditionalCloseDuration && excessFee == t.excessFee;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, java.util.Arrays.hashCode(channelKey), quarantineDuration, misbehaviorFine,
                conditionalCloseDuration, excessFee);
    }
}
