package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.Test;

/**
 * A worker whose queue is full refuses before it decrypts anything: a signed {@code busy} with {@code Retry-After}
 * that costs one hash and one signature, so that under overload refusing does not take the cores answering needs.
 */
class OverloadTest {
    static final class SaturatedEngine extends FixedAnswerEngine {
        volatile boolean saturated = true;

        SaturatedEngine() {
            super("42");
        }

        @Override
        public boolean saturated() {
            return saturated;
        }
    }

    @Test
    void aSaturatedWorkerRefusesBeforeDecryptingWithASignedBusy() throws Exception {
        SaturatedEngine engine = new SaturatedEngine();
        try (LocalWorker worker = new LocalWorker(engine); CocoonClient client = worker.client()) {
            ChatRequest ask = ChatRequest.builder().user("1+1").maxTokens(4).build();
            WorkerRejectedException busy = assertThrows(WorkerRejectedException.class, () -> client.chat(ask));
            assertEquals(ErrorCode.BUSY, busy.code());
            assertEquals(Optional.of(Duration.ofSeconds(1)), busy.retryAfter());
            assertEquals(0, engine.calls.get(), "nothing reached the engine");
            // Not even opened: bytes that are no sealed request get the same answer.
            RawHttp.Reply garbage = RawHttp.post(worker, new byte[] {1, 2, 3}, "message/ohttp-req");
            assertEquals(503, garbage.status());
            assertEquals("busy", garbage.code());
            engine.saturated = false;
            assertEquals("42", client.chat(ask).content());
            assertTrue(engine.calls.get() == 1);
        }
    }
}
