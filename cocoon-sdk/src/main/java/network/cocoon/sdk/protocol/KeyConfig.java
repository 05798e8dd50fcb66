package network.cocoon.sdk.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9458 (Oblivious HTTP) key configuration: the worker's HPKE public key and the symmetric
 * algorithms it accepts.
 *
 * <p>Wire form: {@code key_id(1) || kem_id(2) || public_key(Npk) || length(2) || (kdf_id(2) || aead_id(2))*}.
 */
public final class KeyConfig {
    private static final int X25519_PUBLIC_KEY_LENGTH = 32;

    private final int keyId;
    private final int kemId;
    private final byte[] publicKey;
    private final List<HpkeSuite> suites;

    /**
     * A key config for one X25519 key.
     *
     * @param keyId one-byte key identifier (0-255)
     * @param kemId KEM identifier; only DHKEM(X25519, HKDF-SHA256) is defined here
     * @param publicKey the 32-byte X25519 public key
     * @param suites the accepted suites in order of preference; each must use {@code kemId}
     */
    public KeyConfig(int keyId, int kemId, byte[] publicKey, List<HpkeSuite> suites) {
        if (keyId < 0 || keyId > 255) {
            throw new IllegalArgumentException("key id must fit in one byte: " + keyId);
        }
        if (kemId != HpkeSuite.KEM_X25519_SHA256) {
            throw new IllegalArgumentException("unsupported KEM " + kemId);
        }
        if (publicKey.length != X25519_PUBLIC_KEY_LENGTH) {
            throw new IllegalArgumentException("X25519 public key must be 32 bytes, was " + publicKey.length);
        }
        if (suites.isEmpty()) {
            throw new IllegalArgumentException("a key config needs at least one symmetric suite");
        }
        for (HpkeSuite suite : suites) {
            if (suite.kemId() != kemId) {
                throw new IllegalArgumentException("suite " + suite + " does not use KEM " + kemId);
            }
        }
        this.keyId = keyId;
        this.kemId = kemId;
        this.publicKey = publicKey.clone();
        this.suites = List.copyOf(suites);
    }

    /**
     * Parses the wire form.
     *
     * @throws IllegalArgumentException if the bytes are not one well-formed X25519 key config
     */
    public static KeyConfig decode(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            int keyId = Byte.toUnsignedInt(in.get());
            int kemId = Short.toUnsignedInt(in.getShort());
            if (kemId != HpkeSuite.KEM_X25519_SHA256) {
                throw new IllegalArgumentException("unsupported KEM " + kemId);
            }
            byte[] publicKey = new byte[X25519_PUBLIC_KEY_LENGTH];
            in.get(publicKey);
            int length = Short.toUnsignedInt(in.getShort());
            if (length == 0 || length % 4 != 0 || length != in.remaining()) {
                throw new IllegalArgumentException("bad symmetric algorithms length " + length);
            }
            List<HpkeSuite> suites = new ArrayList<>();
            while (in.hasRemaining()) {
                suites.add(new HpkeSuite(kemId, Short.toUnsignedInt(in.getShort()), Short.toUnsignedInt(in.getShort())));
            }
            return new KeyConfig(keyId, kemId, publicKey, suites);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated key config", e);
        }
    }

    /** The wire form. */
    public byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(1 + 2 + publicKey.length + 2 + 4 * suites.size());
        out.put((byte) keyId).putShort((short) kemId).put(publicKey).putShort((short) (4 * suites.size()));
        for (HpkeSuite suite : suites) {
            out.putShort((short) suite.kdfId()).putShort((short) suite.aeadId());
        }
        return out.array();
    }

    /** The one-byte key identifier. */
    public int keyId() {
        return keyId;
    }

    /** The KEM identifier. */
    public int kemId() {
        return kemId;
    }

    /** A copy of the X25519 public key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The accepted suites, most preferred first. */
    public List<HpkeSuite> suites() {
        return suites;
    }

    /** The first suite of this config that Cocoon supports, if any. */
    public java.util.Optional<HpkeSuite> preferredSupportedSuite() {
        return suites.stream().filter(HpkeSuite::isSupported).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyConfig other && keyId == other.keyId && kemId == other.kemId
                && Arrays.equals(publicKey, other.publicKey) && suites.equals(other.suites);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyId, kemId, Arrays.hashCode(publicKey), suites);
    }

    @Override
    public String toString() {
        return "KeyConfig[keyId=" + keyId + ", kemId=" + kemId + ", suites=" + suites + "]";
    }
}
