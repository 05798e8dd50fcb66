package network.cocoon.sdk.crypto;

import java.util.Arrays;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Labels;
import javax.crypto.AEADBadTagException;

/**
 * The worker side of one exchange: a request opened with the worker's HPKE key, and the context that
 * seals the response so that only the requester can read it.
 */
public final class OpenedRequest {
    private final HpkeSuite suite;
    private final HpkeContext context;
    private final byte[] enc;
    private final byte[] body;

    private OpenedRequest(HpkeSuite suite, HpkeContext context, byte[] enc, byte[] body) {
        this.suite = suite;
        this.context = context;
        this.enc = enc;
        this.body = body;
    }

    /**
     * Opens a sealed request.
     *
     * @param config the worker's published key config, which names the accepted key id and suites
     * @param key the private key matching {@code config}
     * @throws SealingException with reason {@code MALFORMED_MESSAGE}, {@code UNKNOWN_KEY_ID},
     *     {@code UNSUPPORTED_SUITE} or {@code DECRYPTION_FAILED}
     */
    public static OpenedRequest open(byte[] message, KeyConfig config, HpkeKeyPair key) throws SealingException {
        if (message.length < RequestHeader.LENGTH) {
            throw new SealingException(SealingException.Reason.MALFORMED_MESSAGE, "request shorter than its header");
        }
        RequestHeader header = RequestHeader.decode(message);
        if (header.keyId() != config.keyId()) {
            throw new SealingException(SealingException.Reason.UNKNOWN_KEY_ID, "unknown key id " + header.keyId());
        }
        HpkeSuite suite = header.suite();
        if (!config.suites().contains(suite) || !suite.isSupported()) {
            throw new SealingException(SealingException.Reason.UNSUPPORTED_SUITE, "suite not offered: " + suite);
        }
        int encEnd = RequestHeader.LENGTH + suite.encapsulationLength();
        // The AEAD tag alone is 16 bytes, so a valid ciphertext is never shorter.
        if (message.length < encEnd + 16) {
            throw new SealingException(SealingException.Reason.MALFORMED_MESSAGE, "request too short for its suite");
        }
        byte[] enc = Arrays.copyOfRange(message, RequestHeader.LENGTH, encEnd);
        try {
            HpkeContext context = HpkeContext.setupBaseR(suite, enc, key, header.info());
            byte[] body = context.open(new byte[0], message, encEnd, message.length - encEnd);
            return new OpenedRequest(suite, context, enc, body);
        } catch (AEADBadTagException e) {
            // A low-order encapsulated key lands here too: the same outcome for the peer as a forged tag.
            throw new SealingException(SealingException.Reason.DECRYPTION_FAILED, "request failed authentication", e);
        }
    }

    /** The client's HPKE encapsulated key ({@code enc}), fresh per request; unpaid requests are limited by it. */
    public byte[] encapsulatedKey() {
        return enc.clone();
    }

    /** The decrypted request body. */
    public byte[] body() {
        return body.clone();
    }

    /** The suite the client chose. */
    public HpkeSuite suite() {
        return suite;
    }

    /** Seals a single-shot response under a fresh random response nonce. */
    public byte[] sealResponse(byte[] responseBody) {
        byte[] nonce = new byte[ResponseKeys.responseNonceLength(suite)];
        SealedRequest.random().nextBytes(nonce);
        return sealResponse(responseBody, nonce);
    }

    /**
     * Seals a single-shot response under the given response nonce. Deterministic, for test vectors: a
     * nonce must never be used twice.
     */
    public byte[] sealResponse(byte[] responseBody, byte[] responseNonce) {
        var aead = ResponseKeys.responseAead(context, suite, Labels.RESPONSE, responseNonce);
        byte[] out = aead.seal(new byte[0], responseBody, 0, responseBody.length, responseNonce.length);
        System.arraycopy(responseNonce, 0, out, 0, responseNonce.length);
        return out;
    }

    /** Starts a streamed response under a fresh random response nonce. */
    public StreamSealer streamSealer() {
        byte[] nonce = new byte[ResponseKeys.responseNonceLength(suite)];
        SealedRequest.random().nextBytes(nonce);
        return streamSealer(nonce);
    }

    /** Starts a streamed response under the given nonce (test vectors only; never reuse a nonce). */
    public StreamSealer streamSealer(byte[] responseNonce) {
        return new StreamSealer(responseNonce,
                ResponseKeys.responseAead(context, suite, Labels.RESPONSE_STREAM, responseNonce));
    }
}
