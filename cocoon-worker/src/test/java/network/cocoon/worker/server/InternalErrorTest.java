package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicBoolean;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.Test;

/** A failing engine: the client gets the documented {@code 500 internal_error}, never an empty reply. */
class InternalErrorTest {
    /** Fails on demand, before or after its first token. */
    static final class FailingEngine implements InferenceEngine {
        final AtomicBoolean afterFirstToken = new AtomicBoolean();

        @Override
        public ModelInfo model() {
            return FixedAnswerEngine.MODEL;
        }

        @Override
        public Generation generate(GenerationRequest request, TokenSink sink) {
            if (afterFirstToken.get()) {
                sink.accept("partial");
            }
            throw new IllegalStateException("engine failure with secret detail");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void failuresAreAnsweredWithInternalError() throws Exception {
        FailingEngine engine = new FailingEngine();
        try (LocalWorker worker = new LocalWorker(engine); CocoonClient client = worker.client()) {
            ChatRequest request = ChatRequest.builder().user("hi").maxTokens(4).build();
            var single = assertThrows(WorkerRejectedException.class, () -> client.chat(request));
            assertEquals(ErrorCode.INTERNAL_ERROR, single.code());
            var before = assertThrows(WorkerRejectedException.class, () -> client.chatStream(request, t -> { }));
            assertEquals(ErrorCode.INTERNAL_ERROR, before.code());
            engine.afterFirstToken.set(true);
            var after = assertThrows(RuntimeException.class, () -> client.chatStream(request, t -> { }));
            assertInstanceOf(WorkerRejectedException.class, after);
            assertEquals(ErrorCode.INTERNAL_ERROR, ((WorkerRejectedException) after).code());
        }
    }
}
