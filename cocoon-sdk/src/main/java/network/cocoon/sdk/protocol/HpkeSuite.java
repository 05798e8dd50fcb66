package network.cocoon.sdk.protocol;

/**
 * An HPKE cipher suite (RFC 9180 identifiers): KEM, KDF and AEAD.
 *
 * <p>Cocoon uses DHKEM(X25519, HKDF-SHA256) with HKDF-SHA256 and either AES-128-GCM or ChaCha20-Poly1305; the
 * worker's key config says which it prefers.
 *
 * @param kemId RFC 9180 KEM identifier
 * @param kdfId RFC 9180 KDF identifier
 * @param aeadId RFC 9180 AEAD identifier
 */
public record HpkeSuite(int kemId, int kdfId, int aeadId) {
    /** DHKEM(X25519, HKDF-SHA256). */
    public static final int KEM_X25519_SHA256 = 0x0020;
    /** HKDF-SHA256. */
    public static final int KDF_HKDF_SHA256 = 0x0001;
    /** AES-128-GCM. */
    public static final int AEAD_AES_128_GCM = 0x0001;
    /** ChaCha20-Poly1305. */
    public static final int AEAD_CHACHA20_POLY1305 = 0x0003;

    /** X25519, HKDF-SHA256, ChaCha20-Poly1305: the suite of the golden vectors. */
    public static final HpkeSuite X25519_SHA256_CHACHA20POLY1305 =
            new HpkeSuite(KEM_X25519_SHA256, KDF_HKDF_SHA256, AEAD_CHACHA20_POLY1305);
    /** X25519, HKDF-SHA256, AES-128-GCM: the reference worker's first choice (the faster with AES-NI). */
    public static final HpkeSuite X25519_SHA256_AES128GCM =
            new HpkeSuite(KEM_X25519_SHA256, KDF_HKDF_SHA256, AEAD_AES_128_GCM);

    /** Whether Cocoon implements this suite. */
    public boolean isSupported() {
        return kemId == KEM_X25519_SHA256 && kdfId == KDF_HKDF_SHA256
                && (aeadId == AEAD_CHACHA20_POLY1305 || aeadId == AEAD_AES_128_GCM);
    }

    /** Length in bytes of the AEAD key ({@code Nk}). */
    public int keyLength() {
        return switch (aeadId) {
            case AEAD_AES_128_GCM -> 16;
            case AEAD_CHACHA20_POLY1305 -> 32;
            default -> throw new IllegalStateException("unsupported AEAD " + aeadId);
        };
    }

    /** Length in bytes of the AEAD nonce ({@code Nn}). */
    public int nonceLength() {
        return 12;
    }

    /** Length in bytes of the KEM encapsulation ({@code Nenc}); X25519 public keys are 32 bytes. */
    public int encapsulationLength() {
        return 32;
    }

    /** The suite by RFC 9180 names, e.g. {@code DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305}. */
    @Override
    public String toString() {
        String kem = kemId == KEM_X25519_SHA256 ? "DHKEM(X25519, HKDF-SHA256)" : String.format("KEM 0x%04x", kemId);
        String kdf = kdfId == KDF_HKDF_SHA256 ? "HKDF-SHA256" : String.format("KDF 0x%04x", kdfId);
        String aead = switch (aeadId) {
            case AEAD_CHACHA20_POLY1305 -> "ChaCha20-Poly1305";
            case AEAD_AES_128_GCM -> "AES-128-GCM";
            default -> String.format("AEAD 0x%04x", aeadId);
        };
        return kem + " / " + kdf + " / " + aead;
    }
}
