package network.cocoon.sdk.crypto;

import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.Labels;

/**
 * The RFC 9458 section 4.4 response key schedule, with Cocoon's exporter labels.
 */
final class ResponseKeys {
    private ResponseKeys() {
    }

    /** {@code max(Nn, Nk)}: the length of both the exported secret and the response nonce. */
    static int responseNonceLength(HpkeSuite suite) {
        return Math.max(suite.nonceLength(), suite.keyLength());
    }

    /**
     * Derives the response AEAD. Its internal sequence number makes the per-chunk nonce
     * {@code aead_nonce XOR counter}, exactly as RFC 9180 does for requests.
     */
    static SequencedAead responseAead(HpkeContext context, HpkeSuite suite, String exportLabel,
                                      byte[] responseNonce) {
        Derived keys = derive(context, suite, exportLabel, responseNonce);
        return new SequencedAead(suite, keys.key(), keys.nonce());
    }

    /** The intermediate values of the schedule, as the golden vectors list them. */
    record Derived(byte[] secret, byte[] prk, byte[] key, byte[] nonce) {
    }

    static Derived derive(HpkeContext context, HpkeSuite suite, String exportLabel, byte[] responseNonce) {
        int length = responseNonceLength(suite);
        if (responseNonce.length != length) {
            throw new IllegalArgumentException("response nonce must be " + length + " bytes");
        }
        byte[] secret = context.export(Labels.bytes(exportLabel), length);
        byte[] prk = Hkdf.extract(concat(context.encapsulation(), responseNonce), secret);
        return new Derived(secret, prk, Hkdf.expand(prk, suite.keyLength(), Labels.bytes("key")),
                Hkdf.expand(prk, suite.nonceLength(), Labels.bytes("nonce")));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
