package network.cocoon.sdk.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Ed25519VerifyTest {
    private final byte[] message = "a result statement".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSignatureHoldsOnlyUnderItsOwnKeyWhicheverKeyWasCheckedBefore() {
        Ed25519KeyPair a = Ed25519KeyPair.generate();
        Ed25519KeyPair b = Ed25519KeyPair.generate();
        byte[] byA = a.sign(message);
        byte[] byB = b.sign(message);
        for (int round = 0; round < 3; round++) {
            assertTrue(Ed25519.verify(a.publicKey(), message, byA));
            assertFalse(Ed25519.verify(b.publicKey(), message, byA), "key swapped right after the signer's");
            assertTrue(Ed25519.verify(b.publicKey(), message, byB));
            assertFalse(Ed25519.verify(a.publicKey(), message, byB));
        }
    }

    @Test
    void aKeyChangedInPlaceAfterACheckIsParsedAgain() {
        Ed25519KeyPair a = Ed25519KeyPair.generate();
        byte[] key = a.publicKey();
        byte[] signature = a.sign(message);
        assertTrue(Ed25519.verify(key, message, signature));
        key[5] ^= 1;
        assertFalse(Ed25519.verify(key, message, signature));
        key[5] ^= 1;
        assertTrue(Ed25519.verify(key, message, signature));
    }

    @Test
    void malformedKeysAndSignaturesAreInvalid() {
        Ed25519KeyPair a = Ed25519KeyPair.generate();
        byte[] signature = a.sign(message);
        assertFalse(Ed25519.verify(new byte[31], message, signature));
        assertFalse(Ed25519.verify(a.publicKey(), message, new byte[63]));
        byte[] notAPoint = new byte[32];
        java.util.Arrays.fill(notAPoint, (byte) 0xff);
        assertFalse(Ed25519.verify(notAPoint, message, signature));
    }
}
