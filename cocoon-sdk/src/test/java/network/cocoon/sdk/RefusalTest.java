package network.cocoon.sdk;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.Refusal;
import org.junit.jupiter.api.Test;

/** A worker's signed refusal verifies only for its key, this request and this code. */
class RefusalTest {
    final Ed25519KeyPair worker = Ed25519KeyPair.generate();
    final byte[] request = "sealed request bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void verifiesForTheSameKeyRequestAndCode() {
        assertTrue(Refusal.sign(worker, request, ErrorCode.BUSY).verifies(worker.publicKey(), request,
                ErrorCode.BUSY));
    }

    @Test
    void eachFieldTamperedAndTheKeySwappedFail() {
        Refusal r = Refusal.sign(worker, request, ErrorCode.BUSY);
        assertFalse(r.verifies(Ed25519KeyPair.generate().publicKey(), request, ErrorCode.BUSY), "another key");
        byte[] other = request.clone();
        other[0] ^= 1;
        assertFalse(r.verifies(worker.publicKey(), other, ErrorCode.BUSY), "another request");
        assertFalse(r.verifies(worker.publicKey(), request, ErrorCode.INTERNAL_ERROR), "another code");
        assertFalse(new Refusal(r.requestHash(), "internal_error", r.signature()).verifies(worker.publicKey(),
                request, ErrorCode.INTERNAL_ERROR), "code changed");
        assertFalse(new Refusal("00".repeat(32), r.code(), r.signature()).verifies(worker.publicKey(), request,
                ErrorCode.BUSY), "hash changed");
        String sig = r.signature();
        String flipped = (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1);
        assertFalse(new Refusal(r.requestHash(), r.code(), flipped).verifies(worker.publicKey(), request,
                ErrorCode.BUSY), "signature changed");
        assertFalse(new Refusal(r.requestHash(), r.code(), "zz").verifies(worker.publicKey(), request,
                ErrorCode.BUSY), "not hex");
        // Signed for another request: a relay cannot reuse a refusal.
        Refusal forOther = Refusal.sign(worker, other, ErrorCode.BUSY);
        assertFalse(forOther.verifies(worker.publicKey(), request, ErrorCode.BUSY), "another request's refusal");
    }
}
