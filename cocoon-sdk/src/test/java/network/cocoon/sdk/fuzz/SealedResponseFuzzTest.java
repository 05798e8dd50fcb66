package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import network.cocoon.sdk.crypto.SealingException;
import network.cocoon.sdk.crypto.StreamOpener;

/**
 * The client's parsers of what a worker (or anyone on the path) sends back: a single-shot response and a
 * stream of frames, for the golden exchange. Either opens or ends in a {@link SealingException}; the stream
 * opener never reads past a chunk larger than its limit. Seeds: the golden response and stream.
 */
class SealedResponseFuzzTest {
    static final int MAX_CHUNK = 1 << 16;

    @FuzzTest(maxDuration = "10s")
    void anyResponseOrStreamOpensOrEndsInASealingException(byte[] data) throws Exception {
        Invariants.refusesOnly(data, SealingException.class, Golden.EXCHANGE::openResponse);
        Invariants.refusesOnly(data, SealingException.class, d -> {
            StreamOpener stream = Golden.EXCHANGE.openStream(new ByteArrayInputStream(d), MAX_CHUNK);
            while (!stream.next().isFinal()) {
                // read to the final chunk
            }
        });
    }
}
