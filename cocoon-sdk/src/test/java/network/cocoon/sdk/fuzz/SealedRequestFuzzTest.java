package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import network.cocoon.sdk.crypto.OpenedRequest;
import network.cocoon.sdk.crypto.SealingException;

/**
 * The worker's first parser: any bytes posted to {@code /v1/sealed} open or end in a {@link SealingException}.
 * Seeds: the golden sealed requests (both suites).
 */
class SealedRequestFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void openingAnyBytesEndsInASealingException(byte[] message) throws Exception {
        Invariants.refusesOnly(message, SealingException.class,
                m -> OpenedRequest.open(m, Golden.KEY_CONFIG, Golden.WORKER_KEY));
    }
}
