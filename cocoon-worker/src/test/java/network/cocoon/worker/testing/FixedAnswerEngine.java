package network.cocoon.worker.testing;

import java.util.concurrent.atomic.AtomicInteger;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.worker.inference.FinishReason;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.inference.TokenSink;

/**
 * Test-only engine: answers with fixed text, one character per "token", so that the request path can be
 * tested without a model. Never part of the shipped jar.
 */
public class FixedAnswerEngine implements InferenceEngine {
    public static final ModelInfo MODEL = new ModelInfo("fixed-answer", "cd".repeat(32));

    private final String answer;
    private final int promptTokensPerChar;
    public final AtomicInteger calls = new AtomicInteger();

    public FixedAnswerEngine(String answer) {
        this(answer, 1);
    }

    /** An engine whose tokenizer makes {@code promptTokensPerChar} tokens of each prompt character. */
    public FixedAnswerEngine(String answer, int promptTokensPerChar) {
        this.answer = answer;
        this.promptTokensPerChar = promptTokensPerChar;
    }

    @Override
    public ModelInfo model() {
        return MODEL;
    }

    @Override
    public Generation generate(GenerationRequest request, TokenSink sink) {
        calls.incrementAndGet();
        int prompt = promptTokensPerChar * request.messages().stream().mapToInt(m -> m.content().length()).sum();
        request.admission().admit(prompt, request.maxTokens());
        int n = Math.min(answer.length(), request.maxTokens());
        long first = 0;
        long last = 0;
        for (int i = 0; i < n; i++) {
            if (request.cancelled().getAsBoolean()) {
                return new Generation(answer.substring(0, i), FinishReason.CANCELLED, prompt, i, first, last);
            }
            sink.accept(answer.substring(i, i + 1));
            last = System.nanoTime();
            first = first == 0 ? last : first;
        }
        FinishReason reason = n < answer.length() ? FinishReason.LENGTH : FinishReason.STOP;
        return new Generation(answer.substring(0, n), reason, prompt, n, first, last);
    }

    @Override
    public void close() {
    }
}
