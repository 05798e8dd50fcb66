package network.cocoon.sdk.crypto;

import java.nio.ByteBuffer;
import javax.crypto.AEADBadTagException;
import network.cocoon.sdk.protocol.HpkeSuite;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * RFC 9180 HPKE in base mode for DHKEM(X25519, HKDF-SHA256) and HKDF-SHA256: the KEM, the key schedule and
 * the resulting encryption context. This class only composes vetted primitives, each from its fastest
 * provider: X25519 from BouncyCastle, HMAC-SHA256 and both AEADs from the JDK. The RFC's test vectors and a
 * cross-check against BouncyCastle's own HPKE pin it to the standard. Not thread-safe: one exchange, one user.
 */
final class HpkeContext {
    static final byte MODE_BASE = 0x00;
    private static final byte[] EMPTY = new byte[0];

    /** The intermediate values RFC 9180 prints in its vectors. */
    record KeySchedule(byte[] sharedSecret, byte[] keyScheduleContext, byte[] secret, byte[] key, byte[] baseNonce,
                       byte[] exporterSecret) {
    }

    private final byte[] suiteId;
    private final byte[] enc;
    private final KeySchedule schedule;
    private final SequencedAead aead;

    private HpkeContext(HpkeSuite suite, byte[] enc, byte[] sharedSecret, byte[] info) {
        this.suiteId = ByteBuffer.allocate(10).put(new byte[] {'H', 'P', 'K', 'E'}).putShort((short) suite.kemId())
                .putShort((short) suite.kdfId()).putShort((short) suite.aeadId()).array();
        this.enc = enc;
        byte[] pskIdHash = Hkdf.labeledExtract(suiteId, EMPTY, "psk_id_hash", EMPTY);
        byte[] infoHash = Hkdf.labeledExtract(suiteId, EMPTY, "info_hash", info);
        byte[] context = ByteBuffer.allocate(1 + pskIdHash.length + infoHash.length).put(MODE_BASE).put(pskIdHash)
                .put(infoHash).array();
        byte[] secret = Hkdf.labeledExtract(suiteId, sharedSecret, "secret", EMPTY);
        byte[] key = Hkdf.labeledExpand(suiteId, secret, "key", context, suite.keyLength());
        byte[] baseNonce = Hkdf.labeledExpand(suiteId, secret, "base_nonce", context, suite.nonceLength());
        byte[] exporterSecret = Hkdf.labeledExpand(suiteId, secret, "exp", context, Hkdf.HASH_LENGTH);
        this.schedule = new KeySchedule(sharedSecret, context, secret, key, baseNonce, exporterSecret);
        this.aead = new SequencedAead(suite, key, baseNonce);
    }

    /**
     * {@code SetupBaseS}: encapsulates to {@code recipientPublicKey}.
     *
     * @param ephemeral the ephemeral key, or {@code null} for a fresh one (anything else is for test vectors)
     * @throws IllegalArgumentException if the recipient key is not 32 bytes or is a low-order point
     */
    static HpkeContext setupBaseS(HpkeSuite suite, byte[] recipientPublicKey, byte[] info, HpkeKeyPair ephemeral) {
        requireSupported(suite);
        if (recipientPublicKey.length != X25519PublicKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("an X25519 public key is 32 bytes, not " + recipientPublicKey.length);
        }
        HpkeKeyPair e = ephemeral == null ? HpkeKeyPair.generate() : ephemeral;
        byte[] dh = e.agree(recipientPublicKey);
        if (dh == null) {
            throw new IllegalArgumentException("the recipient's X25519 key is a low-order point");
        }
        byte[] enc = e.publicKey();
        return new HpkeContext(suite, enc, HpkeKeyPair.extractAndExpand(dh, enc, recipientPublicKey), info);
    }

    /**
     * {@code SetupBaseR}: decapsulates {@code enc} with the recipient's key.
     *
     * @throws AEADBadTagException if {@code enc} is a low-order point, which RFC 9180 treats as a failed
     *     decapsulation; the caller reports it exactly like a failed authentication
     */
    static HpkeContext setupBaseR(HpkeSuite suite, byte[] enc, HpkeKeyPair recipient, byte[] info)
            throws AEADBadTagException {
        requireSupported(suite);
        byte[] dh = recipient.agree(enc);
        if (dh == null) {
            throw new AEADBadTagException("encapsulated key is a low-order point");
        }
        return new HpkeContext(suite, enc.clone(), HpkeKeyPair.extractAndExpand(dh, enc, recipient.publicKey()), info);
    }

    private static void requireSupported(HpkeSuite suite) {
        if (!suite.isSupported()) {
            throw new IllegalArgumentException("unsupported HPKE suite " + suite);
        }
    }

    /** The encapsulated key, {@code enc}. */
    byte[] encapsulation() {
        return enc;
    }

    byte[] seal(byte[] aad, byte[] plaintext) {
        return aead.seal(aad, plaintext);
    }

    /** Seals into a new array whose first {@code prefix} bytes are left for the caller. */
    byte[] sealWithPrefix(byte[] aad, byte[] plaintext, int prefix) {
        return aead.seal(aad, plaintext, 0, plaintext.length, prefix);
    }

    byte[] open(byte[] aad, byte[] ciphertext, int offset, int length) throws AEADBadTagException {
        return aead.open(aad, ciphertext, offset, length);
    }

    /** RFC 9180 {@code Context.Export(exporter_context, L)}. */
    byte[] export(byte[] exporterContext, int length) {
        return Hkdf.labeledExpand(suiteId, schedule.exporterSecret(), "sec", exporterContext, length);
    }

    KeySchedule keySchedule() {
        return schedule;
    }
}
