package network.cocoon.sdk.crypto;

import network.cocoon.sdk.protocol.HpkeSuite;
import org.bouncycastle.crypto.hpke.HPKE;

/** Maps protocol suites onto BouncyCastle's RFC 9180 implementation. */
final class Hpke {
    private Hpke() {
    }

    static HPKE context(byte mode, HpkeSuite suite) {
        if (!suite.isSupported()) {
            throw new IllegalArgumentException("unsupported HPKE suite " + suite);
        }
        return new HPKE(mode, (short) suite.kemId(), (short) suite.kdfId(), (short) suite.aeadId());
    }
}
