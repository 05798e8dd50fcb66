package network.cocoon.worker.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.testing.LocalWorker;
import network.cocoon.worker.testing.SharedEngine;
import network.cocoon.worker.training.AdditionTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One request, however malformed or hostile, never fails the others in its batch. */
class RequestIsolationTest {
    static final List<AdditionTask.Problem> PROBLEMS = new AdditionTask(12).heldOutProblems().subList(0, 12);
    static DjlEngine engine;

    @BeforeAll
    static void load() throws Exception {
        engine = DjlEngine.load(new Checkpoint(Path.of("models", "cocoon-add-tiny")),
                new EngineSettings("cpu", null, null, 16, 64, 512));
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    @Test
    void maxTokensOfIntMaxAmongADozenConcurrentRequests() throws Exception {
        try (LocalWorker worker = new LocalWorker(new SharedEngine(engine)); CocoonClient client = worker.client()) {
            List<CompletableFuture<VerifiedCompletion>> bystanders = new ArrayList<>();
            CompletableFuture<VerifiedCompletion> poison = null;
            for (int i = 0; i < PROBLEMS.size(); i++) {
                bystanders.add(client.chatAsync(ChatRequest.builder().user(PROBLEMS.get(i).prompt()).maxTokens(8)
                        .temperature(0).build()));
                if (i == 5) {
                    poison = client.chatAsync(ChatRequest.builder().user("1+2").maxTokens(Integer.MAX_VALUE)
                            .temperature(0).build());
                }
            }
            for (int i = 0; i < PROBLEMS.size(); i++) {
                VerifiedCompletion answer = bystanders.get(i).get(60, TimeUnit.SECONDS);
                assertEquals(PROBLEMS.get(i).answer(), answer.content(), "bystander " + i);
            }
            // The poison itself is served too: its budget is capped by the context left after the prompt.
            VerifiedCompletion capped = poison.get(60, TimeUnit.SECONDS);
            assertTrue(capped.completion().usage().completionTokens() <= 512, "capped by the context");
        }
    }

    @Test
    void budgetIsCappedByTheContextLeft() throws Exception {
        var request = new GenerationRequest(List.of(network.cocoon.sdk.chat.ChatMessage.user("5+5")),
                Integer.MAX_VALUE, 1.0, 1.0, 0, 7L, List.of(), () -> false);
        Generation g = engine.generate(request, TokenSink.NONE);
        assertTrue(g.promptTokens() + g.completionTokens() <= 512, "within the context of 512");
    }

    @Test
    void aSequenceThatFailsInTheForwardPassFailsAlone() throws Exception {
        BatchScheduler scheduler = engine.scheduler();
        TextTokenizer tokenizer = engine.tokenizer();
        List<BatchScheduler.Sequence> bystanders = new ArrayList<>();
        for (AdditionTask.Problem p : PROBLEMS) {
            long[] prompt = tokenizer.encode(engine.template().render(p.messages()));
            bystanders.add(new BatchScheduler.Sequence(prompt, 8, new Sampler(0, 0, 1, 1), new TextAssembler(List.of())));
        }
        // A token id far outside the vocabulary: the embedding lookup of the whole batch fails on it.
        var poison = new BatchScheduler.Sequence(new long[] {1, 2, 1_000_000_000L}, 8, new Sampler(0, 0, 1, 1),
                new TextAssembler(List.of()));
        for (int i = 0; i < bystanders.size(); i++) {
            scheduler.submit(bystanders.get(i));
            if (i == 3) {
                scheduler.submit(poison);
            }
        }
        assertInstanceOf(BatchScheduler.Event.Failed.class, last(poison));
        for (int i = 0; i < bystanders.size(); i++) {
            BatchScheduler.Event end = last(bystanders.get(i));
            Generation done = assertInstanceOf(BatchScheduler.Event.Done.class, end, "bystander " + i).generation();
            assertEquals(PROBLEMS.get(i).answer(), done.text(), "bystander " + i);
        }
    }

    private static BatchScheduler.Event last(BatchScheduler.Sequence s) throws InterruptedException {
        while (true) {
            BatchScheduler.Event e = s.events.poll(60, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("sequence never ended");
            }
            if (!(e instanceof BatchScheduler.Event.Text)) {
                return e;
            }
        }
    }
}
