package network.cocoon.worker.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.InvalidFieldException;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.inference.llama.LlamaConfig;
import network.cocoon.worker.inference.llama.LlamaModel;

/**
 * The worker's inference engine: a Llama-family checkpoint run by DJL's PyTorch engine, with continuous
 * batching of concurrent requests. Nothing is downloaded: the PyTorch native library is bundled.
 */
public final class DjlEngine implements InferenceEngine {
    private static final System.Logger LOG = System.getLogger(DjlEngine.class.getName());

    private final ModelInfo model;
    private final LlamaModel llama;
    private final TextTokenizer tokenizer;
    private final ChatTemplate template;
    private final BatchScheduler scheduler;
    private final SecureRandom seeds = new SecureRandom();

    private DjlEngine(ModelInfo model, LlamaModel llama, TextTokenizer tokenizer, ChatTemplate template,
                      BatchScheduler scheduler) {
        this.model = model;
        this.llama = llama;
        this.tokenizer = tokenizer;
        this.template = template;
        this.scheduler = scheduler;
    }

    /**
     * Loads a checkpoint directory.
     *
     * @throws IOException if the checkpoint is incomplete, not a supported architecture, or changed while it was
     *     being loaded (its files are hashed before and after)
     * @throws IllegalStateException if a GPU is required and PyTorch sees none
     */
    public static DjlEngine load(Checkpoint checkpoint, EngineSettings settings) throws IOException {
        return load(checkpoint, settings, LoadProgress.NONE);
    }

    /** {@link #load(Checkpoint, EngineSettings)}, reporting each stage's progress in bytes. */
    public static DjlEngine load(Checkpoint checkpoint, EngineSettings settings, LoadProgress progress)
            throws IOException {
        Device device = chooseDevice(settings.device());
        LlamaConfig config = checkpoint.config();
        String digest = checkpoint.digest(progress);
        TextTokenizer tokenizer = TextTokenizer.load(checkpoint.tokenizer());
        LlamaModel llama = null;
        try {
            ChatTemplate template = chooseTemplate(settings, config, tokenizer);
            Set<Long> endTokens = new LinkedHashSet<>(config.eosTokenIds());
            endTokens.add(tokenizer.tokenId(template.endOfTurn()).orElseThrow(() -> new IOException(
                    "the tokenizer has no single token for " + template.endOfTurn())));
            llama = LlamaModel.create(config, checkpoint.tensors(progress), device, settings.maxContext(),
                    settings.weightPrecision(), progress);
            // The digest was taken from the files before they were read for use: hash them again, so that a
            // directory changed during the load can never run under a digest it does not have.
            if (!checkpoint.digest().equals(digest)) {
                throw new IOException("the model directory changed while it was being loaded; load it again");
            }
            String id = settings.modelId() != null ? settings.modelId()
                    : checkpoint.directory().toAbsolutePath().normalize().getFileName().toString();
            LOG.log(System.Logger.Level.INFO, "loaded {0} ({1} layers, hidden {2}) on {3}, template {4}, OpenMP "
                    + "threads {5}", id, config.layers(), config.hiddenSize(), device, template,
                    NativeThreads.waitSetting());
            return new DjlEngine(new ModelInfo(id, digest), llama, tokenizer, template,
                    new BatchScheduler(llama, tokenizer, endTokens, settings.maxBatch(), settings.queueCapacity()));
        } catch (IOException | RuntimeException e) {
            if (llama != null) {
                llama.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    private static Device chooseDevice(String name) {
        int gpus = pytorch().getGpuCount();
        return switch (name) {
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalStateException("--device gpu, but PyTorch sees no GPU (is the CUDA build of "
                            + "pytorch-native on the class path?)");
                }
                yield Device.gpu();
            }
            default -> gpus > 0 ? Device.gpu() : Device.cpu();
        };
    }

    /**
     * The PyTorch engine, or one line saying why its bundled native library does not load. DJL skips a bundled
     * library built for other hardware (a CUDA build on a machine without a matching NVIDIA driver) and then
     * tries to download one, which an offline machine refuses with an unhelpful message.
     */
    private static Engine pytorch() {
        NativeThreads.beforeLoadingPyTorch();
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException e) {
            throw new IllegalStateException("the bundled PyTorch native library (" + bundledNative() + ") does not"
                    + " load on this machine, and nothing is downloaded at run time: a CUDA build needs an NVIDIA"
                    + " driver that supports it; machines without one run the default CPU jar", e);
        }
    }

    /** The flavor and version of the bundled native library, from its {@code pytorch.properties}. */
    static String bundledNative() {
        try (var in = DjlEngine.class.getResourceAsStream("/native/lib/pytorch.properties")) {
            if (in == null) {
                return "none bundled";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty("flavor", "?") + " " + p.getProperty("version", "?");
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static ChatTemplate chooseTemplate(EngineSettings settings, LlamaConfig config, TextTokenizer tokenizer)
            throws IOException {
        if (settings.chatTemplate() != null) {
            return ChatTemplate.named(settings.chatTemplate());
        }
        if (config.chatTemplateName().isPresent()) {
            return ChatTemplate.named(config.chatTemplateName().get());
        }
        if (tokenizer.tokenId("<|im_start|>").isPresent()) {
            return ChatTemplate.CHATML;
        }
        if (tokenizer.tokenId("<|start_header_id|>").isPresent()) {
            return ChatTemplate.LLAMA3;
        }
        throw new IOException("cannot tell the model's chat template: pass --chat-template chatml|llama3");
    }

    @Override
    public ModelInfo model() {
        return model;
    }

    /**
     * Runs one short greedy generation so that the first client does not pay for kernel selection, allocator
     * growth and JIT compilation.
     *
     * @return how long it took
     * @throws InterruptedException if interrupted while waiting for the scheduler
     */
    public Duration warmUp() throws InterruptedException {
        long start = System.nanoTime();
        generate(new GenerationRequest(List.of(new ChatMessage("user", "1+1")), 2, 0, 1, 0, 0L, List.of(),
                () -> false), TokenSink.NONE);
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Where the model runs, as DJL names it ({@code cpu()}, {@code gpu(0)}). */
    public String device() {
        return llama.device().toString();
    }

    /** The scheduler, for tests in this package that drive sequences directly. */
    BatchScheduler scheduler() {
        return scheduler;
    }

    /** The tokenizer, for tests in this package. */
    TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** The chat template in use. */
    public ChatTemplate template() {
        return template;
    }

    /** The most text, in chars, that queued pieces are joined into before the sink gets it. */
    static final int MAX_JOINED_CHARS = 16 * 1024;

    /**
     * {@code piece} followed by the text events queued right behind it, taken off the queue, while the result is
     * shorter than {@code maxChars}. Pieces released while the caller's thread was waking (or writing to a slow
     * client) then leave as one: for a streamed answer, one sealed chunk, one write and one wake-up of the client
     * instead of one each. The bound keeps a chunk far below what any client accepts.
     */
    static String withQueuedText(String piece, java.util.Queue<BatchScheduler.Event> events, int maxChars) {
        StringBuilder joined = null;
        while ((joined == null ? piece.length() : joined.length()) < maxChars
                && events.peek() instanceof BatchScheduler.Event.Text more) {
            events.poll();
            if (joined == null) {
                joined = new StringBuilder(piece);
            }
            joined.append(more.text());
        }
        return joined == null ? piece : joined.toString();
    }

    /**
     * Generates at most {@code maxTokens}, capped by the context left after the prompt (the answer then ends
     * with finish reason {@code length}).
     *
     * @throws InvalidFieldException if the messages are unacceptable or the prompt leaves no room in the
     *     context for a single completion token
     */
    @Override
    public Generation generate(GenerationRequest request, TokenSink sink) throws InterruptedException {
        template.validate(request.messages());
        long[] prompt = tokenizer.encode(template.render(request.messages()));
        int context = llama.maxContext();
        if (prompt.length >= context) {
            throw new InvalidFieldException("messages", "leave no room in the model's context of " + context
                    + " tokens");
        }
        int maxTokens = Math.min(request.maxTokens(), context - prompt.length);
        request.admission().admit(prompt.length, maxTokens);
        long seed = request.seed() != null ? request.seed() : seeds.nextLong();
        var sequence = new BatchScheduler.Sequence(prompt, maxTokens,
                new Sampler(request.temperature(), request.topK(), request.topP(), seed),
                new TextAssembler(request.stop()), sink != TokenSink.NONE);
        scheduler.submit(sequence);
        while (true) {
            BatchScheduler.Event event = sequence.events.poll(50, TimeUnit.MILLISECONDS);
            if (event == null) {
                if (request.cancelled().getAsBoolean()) {
                    sequence.cancelled = true;
                }
                continue;
            }
            if (event instanceof BatchScheduler.Event.Text text) {
                sink.accept(withQueuedText(text.text(), sequence.events, MAX_JOINED_CHARS));
                if (request.cancelled().getAsBoolean()) {
                    sequence.cancelled = true;
                }
            } else if (event instanceof BatchScheduler.Event.Done done) {
                return done.generation();
            } else if (event instanceof BatchScheduler.Event.Failed failed) {
                throw new IllegalStateException("generation failed", failed.error());
            }
        }
    }

    @Override
    public int queued() {
        return scheduler.queued();
    }

    @Override
    public boolean saturated() {
        return scheduler.full();
    }

    @Override
    public void close() {
        scheduler.close();
        llama.close();
        tokenizer.close();
    }
}
