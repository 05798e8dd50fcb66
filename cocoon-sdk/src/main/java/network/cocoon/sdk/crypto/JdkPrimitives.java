package network.cocoon.sdk.crypto;

import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.Security;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * Instances of the JDK's own AEAD and HMAC implementations. They run on CPU intrinsics (AES-NI and CLMUL,
 * AVX for ChaCha20 and Poly1305, SHA extensions) where BouncyCastle's pure-Java code does not, so they are
 * asked for by provider: an application that registers BouncyCastle first must not silently slow us down.
 * A JVM without the {@code SunJCE} provider (some FIPS set-ups) gets its configured default.
 *
 * <p>Looking an algorithm up costs more than sealing a kilobyte, so each thread keeps one instance of each.
 * Callers take one, initialize it and finish with it inside a single call, never holding it across calls.
 */
final class JdkPrimitives {
    private static final Provider SUN_JCE = Security.getProvider("SunJCE");
    private static final ThreadLocal<Mac> HMAC_SHA256 = ThreadLocal.withInitial(JdkPrimitives::newHmacSha256);
    private static final ThreadLocal<Cipher> CHACHA20_POLY1305 =
            ThreadLocal.withInitial(() -> newCipher("ChaCha20-Poly1305"));
    private static final ThreadLocal<Cipher> AES_GCM = ThreadLocal.withInitial(() -> newCipher("AES/GCM/NoPadding"));

    private JdkPrimitives() {
    }

    /** This thread's ChaCha20-Poly1305 cipher; the caller initializes it. */
    static Cipher chaCha20Poly1305() {
        return CHACHA20_POLY1305.get();
    }

    /** This thread's AES/GCM/NoPadding cipher; the caller initializes it. */
    static Cipher aesGcm() {
        return AES_GCM.get();
    }

    /** A new ChaCha20-Poly1305 cipher that replaces this thread's. */
    static Cipher freshChaCha20Poly1305() {
        Cipher cipher = newCipher("ChaCha20-Poly1305");
        CHACHA20_POLY1305.set(cipher);
        return cipher;
    }

    /** A new AES/GCM/NoPadding cipher that replaces this thread's. */
    static Cipher freshAesGcm() {
        Cipher cipher = newCipher("AES/GCM/NoPadding");
        AES_GCM.set(cipher);
        return cipher;
    }

    /** This thread's HMAC-SHA256; the caller initializes it. */
    static Mac hmacSha256() {
        return HMAC_SHA256.get();
    }

    private static Cipher newCipher(String transformation) {
        try {
            return SUN_JCE != null ? Cipher.getInstance(transformation, SUN_JCE) : Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM offers no " + transformation, e);
        }
    }

    private static Mac newHmacSha256() {
        try {
            return SUN_JCE != null ? Mac.getInstance("HmacSHA256", SUN_JCE) : Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM offers no HmacSHA256", e);
        }
    }
}
