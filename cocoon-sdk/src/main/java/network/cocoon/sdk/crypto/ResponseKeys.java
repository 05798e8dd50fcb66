package network.cocoon.sdk.crypto;

import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.Labels;
import org.bouncycastle.crypto.hpke.AEAD;
import org.bouncycastle.crypto.hpke.HPKEContext;

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
    static AEAD responseAead(HPKEContext context, HpkeSuite suite, String exportLabel, byte[] enc,
                             byte[] responseNonce) {
        Derived keys = derive(context, suite, exportLabel, enc, responseNonce);
        return new AEAD((short) suite.aeadId(), keys.key(), keys.nonce());
    }

    /** The intermediate values of the schedule, as the golden vectors list them. */
    record Derived(byte[] secret, byte[] prk, byte[] key, byte[] nonce) {
    }

    static Derived derive(HPKEContext context, HpkeSuite suite, String exportLabel, byte[] enc, byte[] responseNonce) {
        int length = responseNonceLength(suite);
        if (responseNonce.length != length) {
            throw new IllegalArgumentException("response nonce must be " + length + " bytes");
        }
        byte[] secret = context.export(Labels.bytes(exportLabel), length);
        byte[] prk = context.extract(concat(enc, responseNonce), secret);
        return new Derived(secret, prk, context.expand(prk, Labels.bytes("key"), suite.keyLength()),
                context.expand(prk, Labels.bytes("nonce"), suite.nonceLength()));
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
