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
    private final Encapsulation encapsulation;
    private final byte[] message;

    private SealedRequest(Encapsulation encapsulation, byte[] message) {
        this.encapsulation = encapsulation;
        this.message = message;
    }

    /**
     * Seals a request body to the given key config with a fresh ephemeral key.
     *
     * @param suite one of the config's suites, supported by Cocoon
     */
    public static SealedRequest seal(KeyConfig config, HpkeSuite suite, byte[] body) {
        Encapsulation encapsulation = encapsulate(config, suite);
        return new SealedRequest(encapsulation, encapsulation.seal(body));
    }

    /**
     * Does the public-key half of sealing ahead of the body: a fresh ephemeral key, its X25519 agreement with the
     * config's key and the HPKE key schedule. That is nearly all of a request's sealing cost, so a client can do
     * it before the request exists. The result seals exactly one body, then opens the response to it.
     *
     * @param suite one of the config's suites, supported by Cocoon
     * @throws IllegalArgumentException if the suite is not offered or supported, or the config's key is a
     *     low-order point
     */
    public static Encapsulation encapsulate(KeyConfig config, HpkeSuite suite) {
        return encapsulate(config, suite, null);
    }

    /**
     * Seals with a caller-chosen ephemeral key. This exists to reproduce test vectors; an ephemeral key
     * that is ever reused destroys the confidentiality of every request sealed with it.
     */
    public static SealedRequest sealWithEphemeralKey(KeyConfig config, HpkeSuite suite, byte[] body,
                                                     HpkeKeyPair ephemeral) {
        Encapsulation encapsulation = encapsulate(config, suite, ephemeral);
        return new SealedRequest(encapsulation, encapsulation.seal(body));
    }

    private static Encapsulation encapsulate(KeyConfig config, HpkeSuite suite, HpkeKeyPair ephemeral) {
        if (!config.suites().contains(suite) || !suite.isSupported()) {
            throw new IllegalArgumentException("suite " + suite + " is not offered by " + config);
        }
        RequestHeader header = new RequestHeader(config.keyId(), suite);
        return new Encapsulation(config, suite, header.encode(),
                HpkeContext.setupBaseS(suite, config.publicKey(), header.info(), ephemeral));
    }

    /**
     * An HPKE sender context set up for one key config and suite: {@link #seal} turns it into the one request it
     * may carry, after which it opens the response to that request. Holding one is holding a request key, so it
     * lives in memory only and is handed to a single user.
     */
    public static final class Encapsulation {
        private final KeyConfig config;
        private final HpkeSuite suite;
        private final byte[] header;
        private final HpkeContext context;
        private final java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();

        private Encapsulation(KeyConfig config, HpkeSuite suite, byte[] header, HpkeContext context) {
            this.config = config;
            this.suite = suite;
            this.header = header;
            this.context = context;
        }

        /** The key config this encapsulates to. */
        public KeyConfig config() {
            return config;
        }

        /** The suite it was set up for. */
        public HpkeSuite suite() {
            return suite;
        }

        /**
         * Seals {@code body} and returns the bytes to send, {@code hdr || enc || ct}, as a new array that the
         * caller owns (no copy is kept or made).
         *
         * @throws IllegalStateException if this encapsulation already sealed a body: a second request under the
         *     same ephemeral key and nonce would expose both
         */
        public byte[] seal(byte[] body) {
            if (!used.compareAndSet(false, true)) {
                throw new IllegalStateException("an encapsulation seals one request only");
            }
            byte[] enc = context.encapsulation();
            // The ciphertext is written straight behind room for hdr || enc: one pass over the body.
            byte[] message = context.sealWithPrefix(new byte[0], body, header.length + enc.length);
            System.arraycopy(header, 0, message, 0, header.length);
            System.arraycopy(enc, 0, message, header.length, enc.length);
            return message;
        }

        /**
         * Opens a single-shot response to the request this sealed: {@code response_nonce || ct}.
         *
         * @throws SealingException if the response is too short or fails authentication
         * @throws IllegalStateException if nothing was sealed yet
         */
        public byte[] openResponse(byte[] response) throws SealingException {
            requireSealed();
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
         * Opens a streamed response to the request this sealed, as it arrives.
         *
         * @param maxChunkLength the largest sealed chunk accepted, in bytes
         * @throws IllegalStateException if nothing was sealed yet
         */
        public StreamOpener openStream(InputStream in, int maxChunkLength) {
            requireSealed();
            return new StreamOpener(in, maxChunkLength,
                    responseNonce -> ResponseKeys.responseAead(context, suite, Labels.RESPONSE_STREAM, responseNonce),
                    ResponseKeys.responseNonceLength(suite));
        }

        private void requireSealed() {
            if (!used.get()) {
                throw new IllegalStateException("no request was sealed with this encapsulation");
            }
        }
    }

    /** The bytes to send: {@code hdr || enc || ct}. */
    public byte[] message() {
        return message.clone();
    }

    /** The suite this request was sealed with. */
    public HpkeSuite suite() {
        return encapsulation.suite;
    }

    /**
     * Opens a single-shot response: {@code response_nonce || ct}.
     *
     * @throws SealingException if the response is too short or fails authentication
     */
    public byte[] openResponse(byte[] response) throws SealingException {
        return encapsulation.openResponse(response);
    }

    /**
     * Opens a streamed response as it arrives.
     *
     * @param maxChunkLength the largest sealed chunk accepted, in bytes
     */
    public StreamOpener openStream(InputStream in, int maxChunkLength) {
        return encapsulation.openStream(in, maxChunkLength);
    }

    /** The response key schedule's intermediate values for a response nonce (golden vectors). */
    ResponseKeys.Derived responseKeys(String exportLabel, byte[] responseNonce) {
        return ResponseKeys.derive(encapsulation.context, encapsulation.suite, exportLabel, responseNonce);
    }

    static SecureRandom random() {
        return RandomHolder.RANDOM;
    }

    private static final class RandomHolder {
        static final SecureRandom RANDOM = new SecureRandom();
    }
}
