package network.cocoon.sdk.crypto;

import java.security.InvalidKeyException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF-SHA256 (RFC 5869) on the JDK's HMAC, plus RFC 9180's labeled forms. Stateless: each call runs on the
 * calling thread's {@link Mac}.
 */
final class Hkdf {
    static final int HASH_LENGTH = 32;
    private static final byte[] ZERO_SALT = new byte[HASH_LENGTH];
    private static final byte[] HPKE_V1 = {'H', 'P', 'K', 'E', '-', 'v', '1'};

    private Hkdf() {
    }

    /** {@code Extract(salt, ikm)}; an empty salt is a string of zeros, as RFC 5869 specifies. */
    static byte[] extract(byte[] salt, byte[]... ikm) {
        Mac mac = key(salt.length == 0 ? ZERO_SALT : salt);
        for (byte[] part : ikm) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    /** {@code Expand(prk, info, length)} for {@code length <= 255 * 32}. */
    static byte[] expand(byte[] prk, int length, byte[]... info) {
        if (length <= 0 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF output length " + length);
        }
        Mac mac = key(prk);
        if (length == HASH_LENGTH) {
            // T(1) alone: the common case (every secret, PRK and exporter value the protocol derives).
            for (byte[] part : info) {
                mac.update(part);
            }
            mac.update((byte) 1);
            return mac.doFinal();
        }
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        for (int i = 1, written = 0; written < length; i++) {
            mac.update(block);
            for (byte[] part : info) {
                mac.update(part);
            }
            mac.update((byte) i);
            block = mac.doFinal();
            int n = Math.min(block.length, length - written);
            System.arraycopy(block, 0, out, written, n);
            written += n;
        }
        return out;
    }

    /** RFC 9180 {@code LabeledExtract(salt, label, ikm)}. */
    static byte[] labeledExtract(byte[] suiteId, byte[] salt, String label, byte[] ikm) {
        return extract(salt, HPKE_V1, suiteId, ascii(label), ikm);
    }

    /** RFC 9180 {@code LabeledExpand(prk, label, info, L)}. */
    static byte[] labeledExpand(byte[] suiteId, byte[] prk, String label, byte[] info, int length) {
        byte[] lengthPrefix = {(byte) (length >>> 8), (byte) length};
        return expand(prk, length, lengthPrefix, HPKE_V1, suiteId, ascii(label), info);
    }

    private static Mac key(byte[] key) {
        Mac mac = JdkPrimitives.hmacSha256();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC refused a " + key.length + "-byte key", e);
        }
    }

    private static byte[] ascii(String label) {
        return label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
