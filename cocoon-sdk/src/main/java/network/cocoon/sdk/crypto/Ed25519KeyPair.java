package network.cocoon.sdk.crypto;

import java.security.SecureRandom;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 signing key (RFC 8032), TON's own signature scheme. The private half stays in memory: this
 * class offers no way to export it.
 */
public final class Ed25519KeyPair {
    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private Ed25519KeyPair(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    /** A fresh key from the platform's secure random source. */
    public static Ed25519KeyPair generate() {
        return new Ed25519KeyPair(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** The key whose RFC 8032 private seed is {@code seed} (32 bytes). Deterministic: for test vectors. */
    public static Ed25519KeyPair fromSeed(byte[] seed) {
        if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
        }
        return new Ed25519KeyPair(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** The 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Signs {@code message}; Ed25519 is deterministic, so equal messages give equal signatures. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }
}
