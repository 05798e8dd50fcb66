package network.cocoon.sdk.crypto;

import java.io.InputStream;
import java.security.SecureRandom;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Labels;
import javax.crypto.AEADBadTagException;

/**
 * The client side of one exchange: a request sealed to a worker's HPKE key (RFC 9458 section 4.3 with
 * Cocoon's labels), and the HPKE context that alone can open the worker's response to it.
 *
 * <p>Message layout: {@code key_id(1) || kem_id(2) || kdf_id(2) || aead_id(2) || enc(32) || ct}.
 */
public final class SealedRequest {
    private final HpkeSuite suite;
    private final HpkeContext context;
    private final byte[] message;

    private SealedRequest(HpkeSuite suite, HpkeContext context, byte[] message) {
        this.suite = suite;
        this.context = context;
        this.message = message;
    }

    /**
     * Seals a request body to the given key config with a fresh ephemeral key.
     *
     * @param suite one of the config's suites, supported by Cocoon
     */
    public static SealedRequest seal(KeyConfig config, HpkeSuite suite, byte[] body) {
        return seal(config, suite, body, null);
    }

    /**
     * Seals with a caller-chosen ephemeral key. This exists to reproduce test vectors; an ephemeral key
     * that is ever reused destroys the confidentiality of every request sealed with it.
     */
    public static SealedRequest sealWithEphemeralKey(KeyConfig config, HpkeSuite suite, byte[] body,
                                                     HpkeKeyPair ephemeral) {
        return seal(config, suite, body, ephemeral);
    }

    private static SealedRequest seal(KeyConfig config, HpkeSuite suite, byte[] body, HpkeKeyPair ephemeral) {
        if (!config.suites().contains(suite) || !suite.isSupported()) {
            throw new IllegalArgumentException("suite " + suite + " is not offered by " + config);
        }
        RequestHeader header = new RequestHeader(config.keyId(), suite);
        HpkeContext context = HpkeContext.setupBaseS(suite, config.publicKey(), header.info(), ephemeral);
        byte[] hdr = header.encode();
        byte[] enc = context.encapsulation();
        // The ciphertext is written straight behind room for hdr || enc: one pass over the body.
        byte[] message = context.sealWithPrefix(new byte[0], body, hdr.length + enc.length);
        System.arraycopy(hdr, 0, message, 0, hdr.length);
        System.arraycopy(enc, 0, message, hdr.length, enc.length);
        return new SealedRequest(suite, context, message);
    }

    /** The bytes to send: {@code hdr || enc || ct}. */
    public byte[] message() {
        return message.clone();
    }

    /** The suite this request was sealed with. */
    public HpkeSuite suite() {
        return suite;
    }

    /**
     * Opens a single-shot response: {@code response_nonce || ct}.
     *
     * @throws SealingException if the response is too short or fails authentication
     */
    public byte[] openResponse(byte[] response) throws SealingException {
        int nonceLength = ResponseKeys.responseNonceLength(suite);
        if (response.length < nonceLength) {
            throw new SealingException(SealingException.Reason.MALFORMED_MESSAGE,
                    "response shorter than its " + nonceLength + "-byte nonce");
        }
        byte[] responseNonce = java.util.Arrays.copyOfRange(response, 0, nonceLength);
        var aead = ResponseKeys.responseAead(context, suite, Labels.RESPONSE, responseNonce);
        try {
            return aead.open(new byte[0], response, nonceLength, response.length - nonceLength);
        } catch (AEADBadTagException e) {
            throw new SealingException(SealingException.Reason.DECRYPTION_FAILED,
                    "response failed authentication", e);
        }
    }

    /**
     * Opens a streamed response as it arrives.
     *
     * @param maxChunkLength the largest sealed chunk accepted, in bytes
     */
    public StreamOpener openStream(InputStream in, int maxChunkLength) {
        return new StreamOpener(in, maxChunkLength,
                responseNonce -> ResponseKeys.responseAead(context, suite, Labels.RESPONSE_STREAM, responseNonce),
                ResponseKeys.responseNonceLength(suite));
    }

    /** The response key schedule's intermediate values for a response nonce (golden vectors). */
    ResponseKeys.Derived responseKeys(String exportLabel, byte[] responseNonce) {
        return ResponseKeys.derive(context, suite, exportLabel, responseNonce);
    }

    static SecureRandom random() {
        return RandomHolder.RANDOM;
    }

    private static final class RandomHolder {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
