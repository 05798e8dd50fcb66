package network.cocoon.sdk.protocol;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import network.cocoon.sdk.crypto.Digests;

/**
 * The optional proof of work a worker may ask for before it spends anything on a request (its attestation
 * document's {@code pow_bits}): an 8-byte nonce such that
 * {@code SHA-256(text("cocoon/v1 proof of work") || bytes(SHA-256(sealed request)) || bytes(nonce))} starts
 * with {@code pow_bits} zero bits, sent as the {@code Cocoon-Pow} header in hex. Bound to the sealed request's
 * hash, so a proof is good for one request only. {@code docs/protocol.md} §11.6.
 */
public final class ProofOfWork {
    /** The request header that carries the nonce. */
    public static final String HEADER = "Cocoon-Pow";
    /** The domain label hashed first. */
    public static final String LABEL = "cocoon/v1 proof of work";
    /** The most bits a worker may ask for (about 4 x 10^9 hashes on average). */
    public static final int MAX_BITS = 32;
    static final int NONCE_BYTES = 8;

    private ProofOfWork() {
    }

    /**
     * Finds a nonce for a sealed request.
     *
     * @param sealedRequest the request's bytes as they will be sent
     * @param bits the difficulty, 1 to {@link #MAX_BITS}
     * @return the nonce in hex, for the {@link #HEADER} header
     */
    public static String solve(byte[] sealedRequest, int bits) {
        checkBits(bits);
        byte[] prefix = prefix(sealedRequest);
        MessageDigest sha = sha256();
        byte[] nonce = new byte[NONCE_BYTES];
        for (long counter = 0; ; counter++) {
            for (int i = 0; i < NONCE_BYTES; i++) {
                nonce[i] = (byte) (counter >>> (56 - 8 * i));
            }
            sha.update(prefix);
            sha.update(nonce);
            if (leadingZeroBits(sha.digest()) >= bits) {
                return HexFormat.of().formatHex(nonce);
            }
        }
    }

    /**
     * Whether a header value proves the work for a sealed request.
     *
     * @param sealedRequest the request's bytes as received
     * @param bits the difficulty the worker attests
     * @param header the {@link #HEADER} value, or {@code null}
     * @return whether it is an 8-byte hex nonce whose hash has enough leading zero bits
     */
    public static boolean verifies(byte[] sealedRequest, int bits, String header) {
        if (header == null || header.length() != 2 * NONCE_BYTES) {
            return false;
        }
        byte[] nonce;
        try {
            nonce = HexFormat.of().parseHex(header);
        } catch (IllegalArgumentException e) {
            return false;
        }
        MessageDigest sha = sha256();
        sha.update(prefix(sealedRequest));
        sha.update(nonce);
        return leadingZeroBits(sha.digest()) >= bits;
    }

    private static byte[] prefix(byte[] sealedRequest) {
        return new CanonicalEncoder().text(LABEL).bytes(Digests.sha256(sealedRequest)).toByteArray();
    }

    static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b == 0) {
                bits += 8;
            } else {
                return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
            }
        }
        return bits;
    }

    private static void checkBits(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("proof-of-work bits must be 1 to " + MAX_BITS);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
