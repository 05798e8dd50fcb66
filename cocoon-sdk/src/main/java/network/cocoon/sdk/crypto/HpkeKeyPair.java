package network.cocoon.sdk.crypto;

import java.nio.ByteBuffer;
import network.cocoon.sdk.protocol.HpkeSuite;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.X25519PublicKeyParameters;

/**
 * An X25519 key pair for HPKE's DHKEM(X25519, HKDF-SHA256). The private half stays in memory: this class
 * offers no way to export it.
 */
public final class HpkeKeyPair {
    private static final int SECRET_LENGTH = 32;
    private static final byte[] KEM_SUITE_ID = ByteBuffer.allocate(5).put(new byte[] {'K', 'E', 'M'})
            .putShort((short) HpkeSuite.KEM_X25519_SHA256).array();

    private final X25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private HpkeKeyPair(X25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    /** A fresh key pair from the platform's secure random source. */
    public static HpkeKeyPair generate() {
        return new HpkeKeyPair(new X25519PrivateKeyParameters(SealedRequest.random()));
    }

    /**
     * The key pair RFC 9180 {@code DeriveKeyPair} makes from input keying material. Deterministic: use
     * it for test vectors, never with low-entropy input.
     */
    public static HpkeKeyPair derive(byte[] ikm) {
        byte[] prk = Hkdf.labeledExtract(KEM_SUITE_ID, new byte[0], "dkp_prk", ikm);
        return new HpkeKeyPair(new X25519PrivateKeyParameters(
                Hkdf.labeledExpand(KEM_SUITE_ID, prk, "sk", new byte[0], X25519PrivateKeyParameters.KEY_SIZE)));
    }

    /** The 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@code DH(sk, pk)}, or {@code null} when the peer key is a low-order point (an all-zero result). */
    byte[] agree(byte[] peerPublicKey) {
        if (peerPublicKey.length != X25519PublicKeyParameters.KEY_SIZE) {
            return null;
        }
        byte[] secret = new byte[X25519PrivateKeyParameters.SECRET_SIZE];
        try {
            privateKey.generateSecret(new X25519PublicKeyParameters(peerPublicKey, 0), secret, 0);
        } catch (IllegalStateException lowOrderPoint) {
            return null;
        }
        return secret;
    }

    /** DHKEM's {@code ExtractAndExpand(dh, enc || pkR)}. */
    static byte[] extractAndExpand(byte[] dh, byte[] enc, byte[] recipientPublicKey) {
        byte[] prk = Hkdf.labeledExtract(KEM_SUITE_ID, new byte[0], "eae_prk", dh);
        byte[] kemContext = ResponseKeys.concat(enc, recipientPublicKey);
        return Hkdf.labeledExpand(KEM_SUITE_ID, prk, "shared_secret", kemContext, SECRET_LENGTH);
    }
}
