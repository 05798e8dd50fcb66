package network.cocoon.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigInteger;
import java.util.Objects;
import java.util.regex.Pattern;
import network.cocoon.sdk.chat.InvalidFieldException;

/**
 * The {@code cocoon.payment} part of a sealed request: the client's side of the channel and its signed promise.
 * The worker derives the channel's address from these, its own attested terms and its payout address, so the
 * address itself never travels.
 *
 * @param channelId the channel id, decimal
 * @param clientKey the client's Ed25519 channel key (party A)
 * @param clientAddress the client's payout wallet, raw form {@code workchain:hex}
 * @param promise the signed semichannel state ({@code signed_schs}) as a bag of cells
 * @param receiptsAfter when earlier requests went unanswered: the seqno of the last receipt the client holds
 *     (0 for none); the worker answers with its receipts after it ({@code earlier_receipts}). {@code null}
 *     otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PaymentPromise(@JsonProperty("channel_id") String channelId,
                             @JsonProperty("client_key") byte[] clientKey,
                             @JsonProperty("client_address") String clientAddress, byte[] promise,
                             @JsonProperty("receipts_after") Long receiptsAfter) {
    /** Compiled once: every paid request carries a promise. */
    private static final Pattern CHANNEL_ID = Pattern.compile("[0-9]{1,39}");

    /** Validates presence and form, naming each field. */
    public PaymentPromise {
        if (channelId == null || !CHANNEL_ID.matcher(channelId).matches()
                || new BigInteger(channelId).bitLength() > 128) {
            throw new InvalidFieldException("cocoon.payment.channel_id", "must be a decimal uint128");
        }
        if (clientKey == null || clientKey.length != 32) {
            throw new InvalidFieldException("cocoon.payment.client_key", "must be a 32-byte Ed25519 public key");
        }
        if (clientAddress == null) {
            throw new InvalidFieldException("cocoon.payment.client_address", "is required");
        }
        if (promise == null || promise.length == 0) {
            throw new InvalidFieldException("cocoon.payment.promise", "is required");
        }
        if (receiptsAfter != null && (receiptsAfter < 0 || receiptsAfter > 0xFFFF_FFFFL)) {
            throw new InvalidFieldException("cocoon.payment.receipts_after", "must be a seqno, 0 to 2^32 - 1");
        }
        clientKey = clientKey.clone();
        promise = promise.clone();
    }

    /** A promise with no earlier request pending. */
    public PaymentPromise(String channelId, byte[] clientKey, String clientAddress, byte[] promise) {
        this(channelId, clientKey, clientAddress, promise, null);
    }

    /** A copy of the client's key. */
    @Override
    public byte[] clientKey() {
        return clientKey.clone();
    }

    /** A copy of the promise's bag of cells. */
    @Override
    public byte[] promise() {
        return promise.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PaymentPromise p && channelId.equals(p.channelId)
                && java.util.Arrays.equals(clientKey, p.clientKey) && clientAddress.equals(p.clientAddress)
                && java.util.Arrays.equals(promise, p.promise) && Objects.equals(receiptsAfter, p.receiptsAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(channelId, java.util.Arrays.hashCode(clientKey), clientAddress,
                java.util.Arrays.hashCode(promise), receiptsAfter);
    }

    @Override
    public String toString() {
        return "PaymentPromise[channelId=" + channelId + "]";
    }
}
