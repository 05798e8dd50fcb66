package network.cocoon.sdk.payment;

import java.util.Objects;
import network.cocoon.sdk.protocol.Price;

/**
 * A paid request whose answer, and so whose receipt, the client has not received yet: sent but unanswered
 * (transport failure, timeout, a crash on either side). The next request on the channel asks the worker for
 * its receipt ({@code pending_seqno}): the worker returns it if it charged the request, and says nothing if
 * it did not. What is kept here is what that receipt is checked against, since the worker may have restarted
 * with another key and price since.
 *
 * @param seqno the seqno of the promise that paid for it
 * @param sent that promise's amount: the most its receipt may bring the channel's total to
 * @param requestHash SHA-256 of the sealed request as sent
 * @param signingKey the attested key of the worker it was sent to
 * @param price the attested price it was sent at
 * @param maxTokens its {@code max_tokens}
 */
public record PendingRequest(long seqno, long sent, byte[] requestHash, byte[] signingKey, Price price,
                             int maxTokens) {
    /** Validates and copies. */
    public PendingRequest {
        Objects.requireNonNull(price, "price");
        if (Objects.requireNonNull(requestHash, "requestHash").length != 32
                || Objects.requireNonNull(signingKey, "signingKey").length != 32) {
            throw new IllegalArgumentException("the request hash and signing key are 32 bytes");
        }
        if (seqno < 1 || sent < 0 || maxTokens < 1) {
            throw new IllegalArgumentException("a pending request has seqno >= 1, sent >= 0 and maxTokens >= 1");
        }
        requestHash = requestHash.clone();
        signingKey = signingKey.clone();
    }

    /** A copy of the request hash. */
    @Override
    public byte[] requestHash() {
        return requestHash.clone();
    }

    /** A copy of the signing key. */
    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PendingRequest p && seqno == p.seqno && sent == p.sent
                && java.util.Arrays.equals(requestHash, p.requestHash)
                && java.util.Arrays.equals(signingKey, p.signingKey) && price.equals(p.price)
                && maxTokens == p.maxTokens;
    }

    @Override
    public int hashCode() {
        return Objects.hash(seqno, sent, java.util.Arrays.hashCode(requestHash), java.util.Arrays.hashCode(signingKey),
                price, maxTokens);
    }
}
