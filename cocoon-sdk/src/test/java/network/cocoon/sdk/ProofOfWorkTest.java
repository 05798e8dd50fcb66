package network.cocoon.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import network.cocoon.sdk.protocol.ProofOfWork;
import network.cocoon.sdk.testing.DevWorkerFixture;
import org.junit.jupiter.api.Test;

/** Proof of work: a solved nonce verifies for its request only, at its difficulty; the document binds the bits. */
class ProofOfWorkTest {
    final byte[] request = "a sealed request".getBytes(StandardCharsets.UTF_8);

    @Test
    void aSolvedNonceVerifiesForThatRequestOnly() {
        String nonce = ProofOfWork.solve(request, 12);
        assertTrue(ProofOfWork.verifies(request, 12, nonce));
        byte[] other = request.clone();
        other[0] ^= 1;
        assertFalse(ProofOfWork.verifies(other, 12, nonce), "bound to the request");
        assertFalse(ProofOfWork.verifies(request, 12, null));
        assertFalse(ProofOfWork.verifies(request, 12, "zz".repeat(8)));
        assertFalse(ProofOfWork.verifies(request, 12, nonce + "00"));
        // The solver counts up from zero, so the nonce below the first solution does not meet the target.
        long found = Long.parseLong(nonce, 16);
        if (found > 0) {
            assertFalse(ProofOfWork.verifies(request, 12, String.format("%016x", found - 1)));
        }
        assertThrows(IllegalArgumentException.class, () -> ProofOfWork.solve(request, 0));
        assertThrows(IllegalArgumentException.class, () -> ProofOfWork.solve(request, 33));
    }

    @Test
    void aHarderTargetIsNotMetByAnEasierProofOnAverage() {
        int met = 0;
        for (int i = 0; i < 40; i++) {
            byte[] r = ("request " + i).getBytes(StandardCharsets.UTF_8);
            if (ProofOfWork.verifies(r, 16, ProofOfWork.solve(r, 4))) {
                met++;
            }
        }
        // Each 4-bit proof meets 16 bits with probability 1/4096.
        assertTrue(met <= 1, "met " + met);
    }

    @Test
    void theDocumentBindsTheDifficulty() {
        var document = new DevWorkerFixture().document();
        assertNotEquals(HexFormat.of().formatHex(document.reportData()),
                HexFormat.of().formatHex(document.withProofOfWork(20).reportData()));
        assertEquals(HexFormat.of().formatHex(document.reportData()),
                HexFormat.of().formatHex(document.withProofOfWork(0).reportData()), "0 encodes as before");
    }
}
