package network.cocoon.sdk.crypto;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Ed25519 signature verification. */
public final class Ed25519 {
    /** Length of a public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of a signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    private Ed25519() {
    }

    /**
     * Whether {@code signature} is a valid Ed25519 signature of {@code message} by {@code publicKey}.
     * Malformed keys and signatures of the wrong length are simply invalid.
     */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) {
            // BouncyCastle rejects a public key that is not a curve point with a runtime exception.
            return false;
        }
    }
}
