package network.cocoon.sdk.crypto;

import network.cocoon.sdk.protocol.HpkeSuite;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * An X25519 key pair for HPKE. The private half stays in memory: this class offers no way to export it.
 */
public final class HpkeKeyPair {
    private final AsymmetricCipherKeyPair keyPair;
    private final byte[] publicKey;

    private HpkeKeyPair(AsymmetricCipherKeyPair keyPair) {
        this.keyPair = keyPair;
        this.publicKey = kem().serializePublicKey(keyPair.getPublic());
    }

    /** A fresh key pair from the platform's secure random source. */
    public static HpkeKeyPair generate() {
        return new HpkeKeyPair(kem().generatePrivateKey());
    }

    /**
     * The key pair RFC 9180 {@code DeriveKeyPair} makes from input keying material. Deterministic: use
     * it for test vectors, never with low-entropy input.
     */
    public static HpkeKeyPair derive(byte[] ikm) {
        return new HpkeKeyPair(kem().deriveKeyPair(ikm));
    }

    /** The 32-byte public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    AsymmetricCipherKeyPair bouncyCastleKeyPair() {
        return keyPair;
    }

    /** Key operations do not depend on the AEAD; any X25519 suite serves. */
    private static HPKE kem() {
        return Hpke.context(HPKE.mode_base, HpkeSuite.X25519_SHA256_AES128GCM);
    }
}
