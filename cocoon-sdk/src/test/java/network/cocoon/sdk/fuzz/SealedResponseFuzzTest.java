package network.cocoon.sdk.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
    void anyResponseOrStreamOpensOrEndsInASealingException(byte[] data) throws IOException {
        try {
            Golden.EXCHANGE.openResponse(data);
        } catch (SealingException expected) {
            Invariants.fixedText(expected, data);
        }
        StreamOpener stream = Golden.EXCHANGE.openStream(new ByteArrayInputStream(data), MAX_CHUNK);
        try {
            while (!stream.next().isFinal()) {
                // read to the final chunk
            }
        } catch (SealingException expected) {
            Invariants.fixedText(expected, data);
        }
    }
}
