package network.cocoon.sdk.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import network.cocoon.sdk.protocol.HpkeSuite;

/**
 * An AEAD key with its base nonce and sequence number, as RFC 9180 section 5.2 runs it: message {@code i}
 * uses nonce {@code base_nonce XOR I2OSP(i, Nn)}, and the sequence advances on every successful seal or open.
 * The cipher is the JDK's, this thread's instance (see {@link JdkPrimitives}). Not thread-safe: one context
 * has one user at a time.
 */
final class SequencedAead {
    static final int TAG_LENGTH = 16;

    private final int aeadId;
    private final SecretKeySpec key;
    private final byte[] baseNonce;
    private long sequence;

    SequencedAead(HpkeSuite suite, byte[] key, byte[] baseNonce) {
        if (key.length != suite.keyLength() || baseNonce.length != suite.nonceLength()) {
            throw new IllegalArgumentException("AEAD key or nonce of the wrong length for " + suite);
        }
        this.aeadId = suite.aeadId();
        this.baseNonce = baseNonce.clone();
        if (aeadId == HpkeSuite.AEAD_CHACHA20_POLY1305) {
            this.key = new SecretKeySpec(key, "ChaCha20");
        } else if (aeadId == HpkeSuite.AEAD_AES_128_GCM) {
            this.key = new SecretKeySpec(key, "AES");
        } else {
            throw new IllegalArgumentException("unsupported AEAD " + aeadId);
        }
    }

    /** Seals {@code plaintext} under the next nonce: {@code ct || tag}. */
    byte[] seal(byte[] aad, byte[] plaintext) {
        return seal(aad, plaintext, 0, plaintext.length, 0);
    }

    /**
     * Seals {@code plaintext[offset, offset + length)} under the next nonce into a new array whose first
     * {@code prefix} bytes are left for the caller (a frame header, a response nonce): saves one copy.
     */
    byte[] seal(byte[] aad, byte[] plaintext, int offset, int length, int prefix) {
        try {
            Cipher cipher = init(Cipher.ENCRYPT_MODE);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            byte[] out = new byte[prefix + length + TAG_LENGTH];
            int written = cipher.doFinal(plaintext, offset, length, out, prefix);
            if (written != length + TAG_LENGTH) {
                throw new IllegalStateException("AEAD wrote " + written + " bytes");
            }
            sequence++;
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD seal failed", e);
        }
    }

    /**
     * Opens {@code ciphertext[offset, offset + length)} under the next nonce.
     *
     * @throws AEADBadTagException if it fails authentication; the sequence then stays where it was
     */
    byte[] open(byte[] aad, byte[] ciphertext, int offset, int length) throws AEADBadTagException {
        if (length < TAG_LENGTH) {
            throw new AEADBadTagException("ciphertext shorter than its tag");
        }
        try {
            Cipher cipher = init(Cipher.DECRYPT_MODE);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            byte[] out = cipher.doFinal(ciphertext, offset, length);
            sequence++;
            return out;
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AEAD open failed", e);
        }
    }

    byte[] open(byte[] aad, byte[] ciphertext) throws AEADBadTagException {
        return open(aad, ciphertext, 0, ciphertext.length);
    }

    private Cipher init(int mode) throws GeneralSecurityException {
        if (sequence == Long.MAX_VALUE) {
            throw new IllegalStateException("AEAD sequence number exhausted");
        }
        byte[] nonce = baseNonce.clone();
        long seq = sequence;
        for (int i = nonce.length - 1; i >= nonce.length - Long.BYTES; i--, seq >>>= 8) {
            nonce[i] ^= (byte) seq;
        }
        boolean chaCha = aeadId == HpkeSuite.AEAD_CHACHA20_POLY1305;
        AlgorithmParameterSpec spec = chaCha ? new IvParameterSpec(nonce) : new GCMParameterSpec(TAG_LENGTH * 8, nonce);
        Cipher cipher = chaCha ? JdkPrimitives.chaCha20Poly1305() : JdkPrimitives.aesGcm();
        try {
            cipher.init(mode, key, spec);
        } catch (InvalidKeyException | InvalidAlgorithmParameterException sameKeyAndNonceAsLastTime) {
            // The JDK refuses to encrypt under the key and nonce its previous encryption used. Keys here come
            // from fresh ephemeral keys and random response nonces, so only the deterministic test-vector
            // entry points repeat them; those get a cipher of their own.
            cipher = chaCha ? JdkPrimitives.freshChaCha20Poly1305() : JdkPrimitives.freshAesGcm();
            cipher.init(mode, key, spec);
        }
        return cipher;
    }
}
