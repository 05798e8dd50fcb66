package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TokenCounter;
import network.cocoon.worker.inference.DjlEngine;
import network.cocoon.worker.inference.EngineSettings;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.testing.PaidWorker;
import network.cocoon.worker.testing.SharedEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Billed tokens recounted by the client: the bundled model's tokenizer is one token per character plus ChatML's
 * special tokens, so a client can count exactly what §3 says it pays for, through the real engine and worker.
 */
class BilledTokensTest {
    static DjlEngine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        engine = DjlEngine.load(new Checkpoint(Path.of("models", "cocoon-add-tiny")), EngineSettings.defaults());
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    /** cocoon-add-tiny's counts: ChatML framing with one-token markers, one token per character otherwise. */
    record CharChatmlCounter(int promptSkew, int completionSkew) implements TokenCounter {
        @Override
        public long promptTokens(List<ChatMessage> messages) {
            long n = 0;
            for (ChatMessage m : messages) {
                n += 1 + m.role().length() + 1 + m.content().length() + 1 + 1; // <|im_start|>role\ncontent<|im_end|>\n
            }
            return n + 1 + "assistant".length() + 1 + promptSkew;
        }

        @Override
        public OptionalLong completionTokens(String content, String finishReason) {
            return OptionalLong.of(content.length() + ("stop".equals(finishReason) ? 1 : 0) + completionSkew);
        }
    }

    CocoonClient client(PaidWorker worker, TokenCounter counter) {
        return worker.client(PaidWorker.channel(Ed25519KeyPair.generate(), PaymentChannel.randomChannelId(),
                1_000_000_000L, 10_000_000L, SpendStore.inMemory()).tokenCounter(counter).build());
    }

    @Test
    void theClientRecountsWhatItIsBilledFor() throws Exception {
        try (PaidWorker worker = new PaidWorker(new SharedEngine(engine), dir.resolve("ledger.db"),
                Ed25519KeyPair.generate(), 1_000_000_000L)) {
            ChatRequest request = ChatRequest.builder().user("123+456").maxTokens(8).temperature(0).build();
            try (CocoonClient client = client(worker, new CharChatmlCounter(0, 0))) {
                var answer = client.chat(request);
                assertEquals("579", answer.content());
                var receipt = answer.payment().orElseThrow().receipt().receipt();
                assertEquals(26, receipt.promptTokens());
                assertEquals(4, receipt.completionTokens());
                client.chatStream(request, text -> { });
            }
            for (int[] skew : new int[][] {{1, 0}, {0, -1}}) {
                try (CocoonClient client = client(worker, new CharChatmlCounter(skew[0], skew[1]))) {
                    var e = assertThrows(PaymentException.class, () -> client.chat(request));
                    assertEquals(PaymentException.Reason.RECEIPT_MISMATCH, e.reason());
                    assertEquals(Optional.of(skew[0] != 0 ? "prompt_tokens" : "completion_tokens"), e.field());
                }
            }
        }
    }
}
