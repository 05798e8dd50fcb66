package network.cocoon.sdk.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-2 digests and constant-time comparison, the only hash primitives the protocol uses. */
public final class Digests {
    private Digests() {
    }

    /** SHA-256 over the concatenation of the parts. */
    public static byte[] sha256(byte[]... parts) {
        return digest("SHA-256", parts);
    }

    /** SHA-512 over the concatenation of the parts. */
    public static byte[] sha512(byte[]... parts) {
        return digest("SHA-512", parts);
    }

    /** Compares two byte strings in time that does not depend on where they differ. */
    public static boolean constantTimeEquals(byte[] a, byte[] b) {
        return MessageDigest.isEqual(a, b);
    }

    private static byte[] digest(String algorithm, byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            for (byte[] part : parts) {
                digest.update(part);
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 and SHA-512.
            throw new IllegalStateException(algorithm + " missing from this JVM", e);
        }
    }
}
