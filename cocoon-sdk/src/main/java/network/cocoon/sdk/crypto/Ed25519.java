package network.cocoon.sdk.crypto;

import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Ed25519 signature verification. */
public final class Ed25519 {
    /** Length of a public key in bytes. */
    public static final int PUBLIC_KEY_LENGTH = 32;
    /** Length of a signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    /**
     * The last key parsed. A client checks one worker's signatures again and again, and parsing (decompressing
     * the point) is about a tenth of a verification. Public keys only: nothing here is secret.
     */
    private static volatile ParsedKey lastKey;

    private record ParsedKey(byte[] encoded, Ed25519PublicKeyParameters parameters) {
    }

    private Ed25519() {
    }

    private static Ed25519PublicKeyParameters parse(byte[] publicKey) {
        ParsedKey last = lastKey;
        if (last != null && java.util.Arrays.equals(last.encoded, publicKey)) {
            return last.parameters;
        }
        Ed25519PublicKeyParameters parameters = new Ed25519PublicKeyParameters(publicKey, 0);
        lastKey = new ParsedKey(publicKey.clone(), parameters);
        return parameters;
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
            verifier.init(false, parse(publicKey));
            verifier.update(message, 0, message.length);
            return verifier.verifySignature(signature);
        } catch (RuntimeException e) {
            // BouncyCastle rejects a public key that is not a curve point with a runtime exception.
            return false;
        }
    }
}
