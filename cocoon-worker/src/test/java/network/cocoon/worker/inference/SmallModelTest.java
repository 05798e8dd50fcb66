package network.cocoon.worker.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.inference.checkpoint.Safetensors;
import network.cocoon.worker.inference.llama.WeightPrecision;
import network.cocoon.worker.testing.LocalWorker;
import network.cocoon.worker.testing.SharedEngine;
import network.cocoon.worker.training.AdditionTask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The bundled small model, through the real DJL engine (and, where said, the real worker and SDK). */
class SmallModelTest {
    static final Path MODEL = Path.of("models", "cocoon-add-tiny");
    static final List<AdditionTask.Problem> HELD_OUT = new AdditionTask(200).heldOutProblems();
    /** Room for all 200 held-out problems at once: the default queue of 64 would rightly answer busy. */
    static final EngineSettings SETTINGS = new EngineSettings("cpu", null, null, 16, 256, 4096);
    static DjlEngine engine;

    @BeforeAll
    static void load() throws Exception {
        engine = DjlEngine.load(new Checkpoint(MODEL), SETTINGS);
    }

    @AfterAll
    static void close() {
        engine.close();
    }

    static GenerationRequest greedy(AdditionTask.Problem p) {
        return new GenerationRequest(p.messages(), 8, 0, 1, 0, null, List.of(), () -> false);
    }

    static List<String> answersConcurrently(DjlEngine e, List<AdditionTask.Problem> problems) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (AdditionTask.Problem p : problems) {
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return e.generate(greedy(p), TokenSink.NONE).text();
                    } catch (InterruptedException ex) {
                        throw new IllegalStateException(ex);
                    }
                }, pool));
            }
            return futures.stream().map(CompletableFuture::join).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(value = WeightPrecision.class, names = {"FLOAT16", "BFLOAT16", "INT8"})
    void reducedPrecisionWeightsGiveTheSameGreedyAnswersAsFloat32(WeightPrecision precision) throws Exception {
        List<AdditionTask.Problem> problems = HELD_OUT.subList(0, 64);
        List<String> exact = answersConcurrently(engine, problems);
        EngineSettings settings = new EngineSettings("cpu", null, null, 16, 256, 4096, precision);
        try (DjlEngine reduced = DjlEngine.load(new Checkpoint(MODEL), settings)) {
            assertEquals(exact, answersConcurrently(reduced, problems));
        }
    }

    @Test
    void tokensAreCountedAsTheProtocolSays() throws Exception {
        // ChatML around "123+456" is 26 tokens with the character-level tokenizer (docs/protocol.md, section 3);
        // the answer "579" is 3 tokens plus the end-of-turn token that ended it.
        Generation g = engine.generate(new GenerationRequest(List.of(ChatMessage.user("123+456")), 16, 0, 1, 0, null,
                List.of(), () -> false), TokenSink.NONE);
        assertEquals("579", g.text());
        assertEquals(26, g.promptTokens());
        assertEquals(4, g.completionTokens());
        assertEquals(FinishReason.STOP, g.finishReason());
    }

    @Test
    void answersHeldOutProblemsThroughTheWorkerAndSdk() throws Exception {
        try (LocalWorker worker = new LocalWorker(new SharedEngine(engine));
             CocoonClient client = worker.client()) {
            List<CompletableFuture<VerifiedCompletion>> answers = new ArrayList<>();
            for (AdditionTask.Problem p : HELD_OUT) {
                answers.add(client.chatAsync(ChatRequest.builder().user(p.prompt()).maxTokens(8).temperature(0)
                        .build()));
            }
            int correct = 0;
            for (int i = 0; i < HELD_OUT.size(); i++) {
                if (answers.get(i).get().content().equals(HELD_OUT.get(i).answer())) {
                    correct++;
                }
            }
            System.out.printf("held-out accuracy through worker and SDK: %d/%d%n", correct, HELD_OUT.size());
            assertTrue(correct >= 190, correct + "/200 correct, at least 190 (95%) required");
        }
    }

    @Test
    void batchedDecodingGivesTheSameTokensAsDecodingAlone() throws Exception {
        List<AdditionTask.Problem> problems = HELD_OUT.subList(0, 24);
        List<String> alone = new ArrayList<>();
        for (AdditionTask.Problem p : problems) {
            alone.add(engine.generate(greedy(p), TokenSink.NONE).text());
        }
        assertEquals(alone, answersConcurrently(engine, problems));
    }

    @Test
    void shardedBfloat16CopyGivesTheSameAnswers(@TempDir Path dir) throws Exception {
        Checkpoint fp32 = new Checkpoint(MODEL);
        Checkpoint bf16 = Checkpoint.write(dir, fp32.config(), fp32.tokenizer(), fp32.tensors(),
                Safetensors.DType.BF16, 3);
        assertEquals(3, bf16.weightFiles().size());
        assertNotEquals(fp32.digest(), bf16.digest(), "other weights, other digest");
        try (DjlEngine copy = DjlEngine.load(bf16, SETTINGS)) {
            assertEquals(answersConcurrently(engine, HELD_OUT), answersConcurrently(copy, HELD_OUT));
        }
    }

    @Test
    void streamingDeliversTheAnswerPieceByPiece() throws Exception {
        List<String> pieces = new ArrayList<>();
        Generation g = engine.generate(greedy(new AdditionTask.Problem(123, 456)), pieces::add);
        assertEquals("579", g.text());
        // One piece per digit, unless this thread woke after the next digit was released (then they come joined).
        assertEquals("579", String.join("", pieces));
        assertTrue(pieces.stream().noneMatch(String::isEmpty));
        assertEquals(FinishReason.STOP, g.finishReason());
        assertEquals(4, g.completionTokens(), "three digits and the end-of-turn token");
        assertTrue(g.firstTextNanos() != 0 && g.lastTextNanos() - g.firstTextNanos() >= 0,
                "when the first and last pieces were released");
    }

    @Test
    void piecesReleasedWhileTheSinkWasBusyComeJoined() throws Exception {
        List<String> pieces = new ArrayList<>();
        Generation g = engine.generate(greedy(new AdditionTask.Problem(123, 456)), piece -> {
            pieces.add(piece);
            if (pieces.size() == 1) {
                // A slow client: the other two digits are decoded while the first is being written.
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertEquals("579", g.text());
        assertEquals("579", String.join("", pieces));
        // Piece by piece that would be three calls; what was decoded during the pause comes as one.
        assertTrue(pieces.size() <= 2, "pieces " + pieces);
    }

    @Test
    void queuedTextIsJoinedUpToItsBoundAndStopsAtTheEnd() {
        var events = new java.util.ArrayDeque<BatchScheduler.Event>(List.of(new BatchScheduler.Event.Text("b"),
                new BatchScheduler.Event.Text("cd"), new BatchScheduler.Event.Text("e"),
                new BatchScheduler.Event.Done(new Generation("abcde", FinishReason.STOP, 1, 5))));
        assertEquals("abcd", DjlEngine.withQueuedText("a", events, 4));
        assertEquals("e", ((BatchScheduler.Event.Text) events.peek()).text(), "the rest stays queued, in order");
        events.poll();
        assertEquals("x", DjlEngine.withQueuedText("x", events, 4), "the end is never taken");
        assertTrue(events.peek() instanceof BatchScheduler.Event.Done);
        assertEquals("long", DjlEngine.withQueuedText("long", new java.util.ArrayDeque<>(
                List.of(new BatchScheduler.Event.Text("er"))), 4), "a piece at the bound takes nothing more");
    }

    @Test
    void withoutASinkTheCallerIsWokenOnlyWhenTheAnswerIsDone() throws Exception {
        long asked = System.nanoTime();
        Generation streamed = engine.generate(greedy(new AdditionTask.Problem(123, 456)), piece -> { });
        Generation whole = engine.generate(greedy(new AdditionTask.Problem(123, 456)), TokenSink.NONE);
        assertEquals(streamed.text(), whole.text());
        assertEquals(streamed.completionTokens(), whole.completionTokens());
        assertTrue(whole.firstTextNanos() - asked > 0 && whole.lastTextNanos() - whole.firstTextNanos() > 0,
                "the release times are recorded without a sink too: 5, 7 and 9 were three steps");

        // The scheduler itself: a sequence without text events receives exactly one, the end.
        long[] prompt = engine.tokenizer().encode(engine.template().render(List.of(ChatMessage.user("123+456"))));
        var quiet = new BatchScheduler.Sequence(prompt, 8, new Sampler(0, 0, 1, 1), new TextAssembler(List.of()),
                false);
        engine.scheduler().submit(quiet);
        BatchScheduler.Event only = quiet.events.take();
        Generation done = assertInstanceOf(BatchScheduler.Event.Done.class, only).generation();
        assertEquals("579", done.text());
        assertTrue(quiet.events.isEmpty(), "nothing after the end");
    }

    @Test
    void stopSequencesAndMaxTokensEndGeneration() throws Exception {
        List<ChatMessage> chat = List.of(ChatMessage.user("123+456"));
        Generation stopped = engine.generate(new GenerationRequest(chat, 8, 0, 1, 0, null, List.of("79"), () -> false),
                TokenSink.NONE);
        assertEquals("5", stopped.text());
        assertEquals(FinishReason.STOP, stopped.finishReason());
        Generation cut = engine.generate(new GenerationRequest(chat, 2, 0, 1, 0, null, List.of(), () -> false),
                TokenSink.NONE);
        assertEquals("57", cut.text());
        assertEquals(FinishReason.LENGTH, cut.finishReason());
        assertEquals(2, cut.completionTokens());
    }

    @Test
    void seededSamplingIsReproducible() throws Exception {
        List<ChatMessage> chat = List.of(ChatMessage.user("98+7"));
        List<String> runs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runs.add(engine.generate(new GenerationRequest(chat, 8, 1.5, 0.95, 5, 42L, List.of(), () -> false),
                    TokenSink.NONE).text());
        }
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(runs.get(0), runs.get(2));
    }

    @Test
    void cancelledRequestsStopEarly() throws Exception {
        AtomicInteger pieces = new AtomicInteger();
        Generation g = engine.generate(new GenerationRequest(List.of(ChatMessage.user("999+999")), 8, 0, 1, 0, null,
                List.of(), () -> pieces.get() > 0), text -> pieces.incrementAndGet());
        assertEquals(FinishReason.CANCELLED, g.finishReason());
        assertTrue(g.completionTokens() < 4, "stopped before the whole answer");
    }

    @Test
    void unacceptablePromptsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> engine.generate(new GenerationRequest(
                List.of(ChatMessage.user("1+1<|im_end|>")), 8, 0, 1, 0, null, List.of(), () -> false), TokenSink.NONE));
        assertThrows(IllegalArgumentException.class, () -> engine.generate(new GenerationRequest(
                List.of(ChatMessage.user("1".repeat(100))), 8, 0, 1, 0, null, List.of(), () -> false), TokenSink.NONE));
    }

    @Test
    void aFullQueueAnswersBusy(@TempDir Path unused) throws Exception {
        try (DjlEngine small = DjlEngine.load(new Checkpoint(MODEL), new EngineSettings("cpu", null, null, 1, 1, 64))) {
            AtomicInteger busy = new AtomicInteger();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 64; i++) {
                    pool.submit(() -> {
                        try {
                            small.generate(new GenerationRequest(List.of(ChatMessage.user("999+999")), 40, 0, 1, 0,
                                    null, List.of(), () -> false), TokenSink.NONE);
                        } catch (EngineBusyException e) {
                            busy.incrementAndGet();
                        }
                        return null;
                    });
                }
            }
            assertTrue(busy.get() > 0, "some of 64 simultaneous requests must be refused by a queue of one");
        }
    }

}
