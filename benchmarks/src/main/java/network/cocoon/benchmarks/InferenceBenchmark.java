package network.cocoon.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.worker.payment.DevFunding;
import network.cocoon.worker.payment.PaymentDesk;
import network.cocoon.worker.payment.PaymentLedger;
import network.cocoon.worker.payment.PaymentSettings;
import network.cocoon.worker.tee.GpuAttester;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.DjlEngine;
import network.cocoon.worker.inference.EngineSettings;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.LoadProgress;
import network.cocoon.worker.inference.NativeThreads;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.inference.llama.HiddenActivation;
import network.cocoon.worker.inference.llama.KvCache;
import network.cocoon.worker.inference.llama.LlamaConfig;
import network.cocoon.worker.inference.llama.LlamaModel;
import network.cocoon.worker.inference.llama.WeightPrecision;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.DevTee;
import network.cocoon.worker.training.AdditionTask;
import network.cocoon.worker.training.SmallModelTrainer;

/**
 * Inference throughput, in one run so that the figures compare: prefill and decode tokens per second at
 * 1, 4 and 16 concurrent sequences for the bundled small model and for a model with SmolLM-135M's shape
 * (random weights made here); the worker's serving overhead (SDK, HTTP and sealing) over raw generation, beside
 * the floor that any sealed, signed answer on loopback pays;
 * and decode speed as a fraction of the memory-bandwidth limit.
 *
 * <p>Usage, from the repository root: {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
 * network.cocoon.benchmarks.InferenceBenchmark [--device cpu|gpu] [--skip-large] [--checkpoint DIR]
 * [--serving-warmup ROUNDS] [--serving-only] [--inference-only] [--precisions float32,float16,bfloat16]}
 */
public final class InferenceBenchmark {
    private InferenceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("offline", "true");
        String device = "cpu";
        boolean skipLarge = false;
        Path peerCheckpoint = null;
        int servingWarmupRounds = 10;
        boolean servingOnly = false;
        boolean inferenceOnly = false;
        List<WeightPrecision> precisions = List.of(WeightPrecision.values());
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--device")) {
                device = args[++i];
            } else if (args[i].equals("--skip-large")) {
                skipLarge = true;
            } else if (args[i].equals("--checkpoint")) {
                peerCheckpoint = Path.of(args[++i]);
            } else if (args[i].equals("--serving-warmup")) {
                servingWarmupRounds = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--serving-only")) {
                servingOnly = true;
            } else if (args[i].equals("--inference-only")) {
                inferenceOnly = true;
            } else if (args[i].equals("--precisions")) {
                precisions = java.util.Arrays.stream(args[++i].split(",")).map(WeightPrecision::parse).toList();
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (use --device cpu|gpu, --skip-large, --checkpoint DIR, --serving-warmup ROUNDS, --serving-only, "
                        + "--inference-only, --precisions LIST)");
            }
        }
        // As the worker runs: its OpenMP wait policy must be in the environment before PyTorch loads, which the
        // first Engine call below does (before 2026-12-02 it did so first, and every row was measured spinning).
        NativeThreads.beforeLoadingPyTorch();
        Device dev = device.equals("gpu") ? Device.gpu() : Device.cpu();
        System.out.printf(Locale.ROOT, "engine %s %s, device %s, %d CPU cores, OpenMP threads %s%n",
                Engine.getInstance().getEngineName(), Engine.getInstance().getVersion(), dev,
                Runtime.getRuntime().availableProcessors(), NativeThreads.waitSetting());
        Checkpoint small = new Checkpoint(Path.of("cocoon-worker", "models", "cocoon-add-tiny"));
        if (servingOnly) {
            servingOverhead(small, device, servingWarmupRounds);
            return;
        }
        int threads = Runtime.getRuntime().availableProcessors();
        long cache = lastLevelCacheBytes();
        double bandwidth = readBandwidth(threads, cache);
        System.out.printf(Locale.ROOT, "measured read bandwidth: %.1f GB/s (%d threads summing %d MiB, best of 5; "
                + "last-level cache %d MiB)%n", bandwidth / 1e9, threads, Math.max(1L << 30, 2 * cache) >> 20,
                cache >> 20);

        try (LlamaModel model = LlamaModel.create(small.config(), small.tensors(), dev, 64)) {
            throughput("cocoon-add-tiny", model, 24, 32, bandwidth);
        }
        if (!skipLarge) {
            LlamaConfig smol = new LlamaConfig(576, 30, 9, 3, 64, 1536, 49152, 1e-5, 10_000, null, 2048, true,
                    LlamaConfig.Biases.NONE, HiddenActivation.SILU, List.of(0L), null);
            // With --checkpoint, the tensors benchmarks/peers/transformers_peer.py wrote (and measured) instead.
            String name = peerCheckpoint == null ? "SmolLM-135M shape (random weights)" : peerCheckpoint.toString();
            LlamaConfig config = peerCheckpoint == null ? smol : new Checkpoint(peerCheckpoint).config();
            var weights = peerCheckpoint == null ? SmallModelTrainer.initialWeights(smol, new Random(7))
                    : new Checkpoint(peerCheckpoint).tensors();
            for (WeightPrecision precision : precisions) {
                try (LlamaModel model = LlamaModel.create(config, weights, dev, 512, precision, LoadProgress.NONE)) {
                    throughput(name + ", " + precision.cliName(), model, 128, 32, bandwidth);
                }
            }
        }
        if (!inferenceOnly) {
            servingOverhead(small, device, servingWarmupRounds);
        }
    }

    static void throughput(String name, LlamaModel model, int promptLength, int decodeSteps, double bandwidth) {
        long params = model.weights().values().stream().mapToLong(w -> w.getShape().size()).sum();
        long weightBytes = model.weightBytes();
        System.out.printf(Locale.ROOT, "%n%s: %.1f M parameters, %.0f MB of weights, prompt %d tokens, %d decode "
                + "steps; bandwidth limit %.1f steps/s%n", name, params / 1e6, weightBytes / 1e6, promptLength,
                decodeSteps, bandwidth / weightBytes);
        System.out.println("| concurrent | prefill tok/s | decode tok/s | decode ms/step | tensors/step "
                + "| share of the read-bandwidth limit |");
        System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: |");
        Random random = new Random(1);
        int vocab = model.config().vocabSize();
        for (int concurrency : new int[] {1, 4, 16}) {
            run(model, concurrency, promptLength, 4, random, vocab); // warm-up at this batch shape
            double[] r = run(model, concurrency, promptLength, decodeSteps, random, vocab);
            double decodeStepsPerSecond = r[1] / concurrency;
            // A step reads every weight once: it cannot run faster than weight bytes / read bandwidth.
            double fraction = decodeStepsPerSecond * weightBytes / bandwidth;
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2f | %d | %.1f%% |%n", concurrency, r[0], r[1],
                    1000 / decodeStepsPerSecond, (long) r[2], fraction * 100);
        }
    }

    /**
     * {prefill tokens/s (best of three fresh prompts), decode tokens/s, tensors per decode step} with the same
     * chunked forward pass the scheduler runs.
     */
    static double[] run(LlamaModel model, int concurrency, int promptLength, int steps, Random random, int vocab) {
        double prefillSeconds = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            List<KvCache> caches = new ArrayList<>();
            try {
                List<LlamaModel.Chunk> prompts = prompts(model, concurrency, promptLength, steps, random, vocab, caches);
                long start = System.nanoTime();
                step(model, prompts);
                prefillSeconds = Math.min(prefillSeconds, (System.nanoTime() - start) / 1e9);
            } finally {
                caches.forEach(KvCache::close);
            }
        }
        List<KvCache> caches = new ArrayList<>();
        try {
            long[] next = step(model, prompts(model, concurrency, promptLength, steps, random, vocab, caches));
            long start = System.nanoTime();
            for (int s = 0; s < steps; s++) {
                List<LlamaModel.Chunk> decode = new ArrayList<>();
                for (int i = 0; i < concurrency; i++) {
                    decode.add(new LlamaModel.Chunk(new long[] {next[i]}, caches.get(i)));
                }
                next = step(model, decode);
            }
            double decodeSeconds = (System.nanoTime() - start) / 1e9;
            List<LlamaModel.Chunk> decode = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                decode.add(new LlamaModel.Chunk(new long[] {next[i]}, caches.get(i)));
            }
            return new double[] {concurrency * promptLength / prefillSeconds, concurrency * steps / decodeSeconds,
                tensorsPerStep(model, decode)};
        } finally {
            caches.forEach(KvCache::close);
        }
    }

    private static List<LlamaModel.Chunk> prompts(LlamaModel model, int concurrency, int promptLength, int steps,
                                                  Random random, int vocab, List<KvCache> caches) {
        List<LlamaModel.Chunk> prompts = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            KvCache cache = model.newCache(promptLength + steps + 2);
            caches.add(cache);
            prompts.add(new LlamaModel.Chunk(random.longs(promptLength, 0, vocab).toArray(), cache));
        }
        return prompts;
    }

    /**
     * Tensors one decode step creates (each an operation's result or an uploaded index): on a GPU each
     * operation is a kernel launch. Writes into the KV cache, two per layer, come on top.
     */
    static int tensorsPerStep(LlamaModel model, List<LlamaModel.Chunk> chunks) {
        try (NDManager scratch = model.manager().newSubManager()) {
            model.forward(chunks, false, scratch);
            return scratch.getManagedArrays().size();
        }
    }

    static long[] step(LlamaModel model, List<LlamaModel.Chunk> chunks) {
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray logits = model.forward(chunks, false, scratch);
            return logits.argMax(-1).toLongArray();
        }
    }

    /**
     * Bytes read per second summing ints already in memory (a reduction the JIT vectorizes) on {@code threads}
     * threads at once, each its own share of the array, best of five: the bound a decode step that reads every
     * weight once cannot beat. The engine reads weights on all of its intra-op threads, and one core of a server
     * CPU cannot draw the socket's bandwidth on its own (an Intel Xeon here read 6.2 GB/s on one thread), so the
     * probe uses as many threads as the engine. The array is at least 1 GiB and twice the last-level cache, so the
     * probe reads memory, not cache.
     */
    static double readBandwidth(int threads, long lastLevelCacheBytes) throws InterruptedException {
        long bytes = Math.max(1L << 30, 2 * lastLevelCacheBytes);
        int[] data = new int[(int) Math.min(Integer.MAX_VALUE - 8L, bytes / 4)];
        java.util.Arrays.fill(data, 1);
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long[] sums = new long[threads];
            Thread[] workers = new Thread[threads];
            java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(threads);
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int index = t;
                int from = (int) ((long) data.length * t / threads);
                int to = (int) ((long) data.length * (t + 1) / threads);
                workers[t] = new Thread(() -> {
                    ready.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    sums[index] = sum(data, from, to);
                });
                workers[t].start();
            }
            ready.await();
            long start = System.nanoTime();
            go.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (java.util.Arrays.stream(sums).sum() != data.length) {
                throw new IllegalStateException("read-bandwidth probe summed " + java.util.Arrays.toString(sums));
            }
            best = Math.max(best, 4.0 * data.length / seconds);
        }
        return best;
    }

    private static int sum(int[] data, int from, int to) {
        int total = 0;
        for (int i = from; i < to; i++) {
            total += data[i];
        }
        return total;
    }

    /** The last-level cache's size from Linux's sysfs, or 0 where it cannot be read. */
    static long lastLevelCacheBytes() {
        long largest = 0;
        for (int index = 0; index < 8; index++) {
            Path size = Path.of("/sys/devices/system/cpu/cpu0/cache/index" + index + "/size");
            try {
                String text = java.nio.file.Files.readString(size).trim();
                long unit = text.endsWith("K") ? 1024 : text.endsWith("M") ? 1024 * 1024 : 1;
                String digits = unit == 1 ? text : text.substring(0, text.length() - 1);
                largest = Math.max(largest, Long.parseLong(digits) * unit);
            } catch (java.io.IOException | NumberFormatException | SecurityException e) {
                break;
            }
        }
        return largest;
    }

    /**
     * The same requests, generated directly, through SDK, HTTP and sealing, streamed, and paid (a dev channel:
     * a promise signed and stored, checked and stored by the worker's SQLite ledger, a receipt signed, recorded
     * and verified); ratio of wall times.
     */
    static final int SERVING_MEASURED_ROUNDS = 5;
    /** Long enough for a path's work after its answer (about 0.3-1 ms on a 2-core VM) to finish. */
    static final long QUIET_PAUSE_MILLIS = 3;

    static ChatRequest request(AdditionTask.Problem p) {
        return ChatRequest.builder().user(p.prompt()).maxTokens(8).temperature(0).build();
    }

    /** One way of answering a problem. */
    record ServedPath(String name, Answer answer) {
    }

    /**
     * Nanoseconds each path took for each problem of one round. The paths take turns on every problem, so that the
     * shared machine's slow and fast moments fall on all of them alike. Each answer starts after an untimed pause:
     * what a path leaves running after its answer (the client making its next encapsulation, the worker finishing
     * its exchange, a durable write) would otherwise slow the next path's generation and be charged to it.
     */
    static long[][] round(List<ServedPath> paths, List<AdditionTask.Problem> problems) throws Exception {
        long[][] nanos = new long[paths.size()][problems.size()];
        for (int k = 0; k < problems.size(); k++) {
            for (int i = 0; i < paths.size(); i++) {
                Thread.sleep(QUIET_PAUSE_MILLIS);
                long start = System.nanoTime();
                paths.get(i).answer().answer(problems.get(k));
                nanos[i][k] = System.nanoTime() - start;
            }
        }
        return nanos;
    }

    /**
     * The median, over every problem of every measured round, of a path's time minus the {@code base} path's on
     * the same problem in the same turn: a figure that a slow stretch of the shared machine, which falls on both,
     * hardly moves, where a sum over the round moves by as much as the overhead itself.
     */
    static double medianAddedMillis(List<long[][]> rounds, int path, int base) {
        List<Long> differences = new ArrayList<>();
        for (long[][] nanos : rounds) {
            for (int k = 0; k < nanos[path].length; k++) {
                differences.add(nanos[path][k] - nanos[base][k]);
            }
        }
        differences.sort(null);
        int n = differences.size();
        double median = n % 2 == 1 ? differences.get(n / 2) : (differences.get(n / 2 - 1) + differences.get(n / 2)) / 2.0;
        return median / 1e6;
    }

    @FunctionalInterface
    interface Answer {
        void answer(AdditionTask.Problem p) throws Exception;
    }

    private static long rawGenerate(DjlEngine engine, AdditionTask.Problem p) throws InterruptedException {
        return engine.generate(new GenerationRequest(List.of(ChatMessage.user(p.prompt())), 8, 0, 1, 0, null,
                List.of(), () -> false), TokenSink.NONE).completionTokens();
    }

    /**
     * What any sealed, signed answer on loopback needs beyond generation, with nothing of this project's own in
     * between: one HTTP exchange with the same server (a {@code GET /healthz}) and the public-key operations left
     * on the request's path (the worker's X25519 agreement, its Ed25519 signature and the client's verification;
     * the client's own key pair and agreement are made ahead, off that path). The served rows above it can only
     * approach it.
     */
    static final class ServingFloor {
        private final okhttp3.OkHttpClient http = new okhttp3.OkHttpClient.Builder()
                .retryOnConnectionFailure(false).build();
        private final okhttp3.Request health;
        private final Ed25519KeyPair signer;
        private final org.bouncycastle.crypto.params.X25519PrivateKeyParameters workerKey =
                new org.bouncycastle.crypto.params.X25519PrivateKeyParameters(new java.security.SecureRandom());
        private final org.bouncycastle.crypto.params.X25519PublicKeyParameters clientKey =
                new org.bouncycastle.crypto.params.X25519PrivateKeyParameters(new java.security.SecureRandom())
                        .generatePublicKey();
        private final byte[] secret = new byte[32];
        private final byte[] digest = new byte[32];

        ServingFloor(java.net.URI endpoint, WorkerIdentity identity) {
            this.health = new okhttp3.Request.Builder().url(endpoint.resolve("/healthz").toString()).build();
            this.signer = identity.signingKey();
        }

        void run() throws Exception {
            try (okhttp3.Response response = http.newCall(health).execute()) {
                if (response.code() != 200) {
                    throw new IllegalStateException("GET /healthz answered " + response.code());
                }
                response.body().bytes();
            }
            workerKey.generateSecret(clientKey, secret, 0);
            // What is signed depends on the agreement's result, so neither can be left out by the compiler.
            digest[0] = secret[0];
            byte[] signature = signer.sign(digest);
            if (!network.cocoon.sdk.crypto.Ed25519.verify(signer.publicKey(), digest, signature)) {
                throw new IllegalStateException("the floor's own signature did not verify");
            }
        }
    }

    static void servingOverhead(Checkpoint small, String device, int servingWarmupRounds) throws Exception {
        List<AdditionTask.Problem> problems = new AdditionTask(64).heldOutProblems();
        Path scratch = java.nio.file.Files.createTempDirectory("cocoon-serving-bench");
        Price price = new Price(100_000, 200_000);
        try (DjlEngine engine = DjlEngine.load(small, new EngineSettings(device, null, null, 16, 256, 64));
             PaymentLedger ledger = PaymentLedger.open(scratch.resolve("ledger.db"))) {
            Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
            WorkerIdentity identity = WorkerIdentity.generate();
            AttestationService attestation = new AttestationService(identity, new DevTee(devRoot), engine.model(),
                    new Price(0, 0), "", Duration.ofHours(1), Clock.systemUTC());
            PaymentSettings settings = new PaymentSettings(PaymentTerms.MODE_DEV, Ed25519KeyPair.generate(),
                    TonAddress.parse("0:" + "22".repeat(32), "payout"), new ClosingConfig(3600, 0, 0), 0,
                    scratch.resolve("ledger.db"));
            PaymentDesk desk = new PaymentDesk(settings, new DevFunding(1_000_000_000_000L), ledger,
                    identity.signingKey(), price, Clock.systemUTC());
            AttestationService paidAttestation = new AttestationService(identity, new DevTee(devRoot),
                    GpuAttester.NONE, engine.model(), price, settings.payout().toString(), desk.terms(),
                    Duration.ofHours(1), Clock.systemUTC());
            AttestationPolicy policy = AttestationPolicy.builder()
                    .allowInsecureDevelopmentEvidence(devRoot.publicKey()).build();
            PaymentChannel channel = PaymentChannel.builder().devMode().clientKey(Ed25519KeyPair.generate())
                    .clientAddress(TonAddress.parse("0:" + "11".repeat(32), "wallet"))
                    .channelId(PaymentChannel.randomChannelId()).deposit(1_000_000_000_000L)
                    .maxCostPerRequest(10_000_000L).store(SpendStore.directory(scratch.resolve("client"))).build();
            PaymentChannel memoryChannel = PaymentChannel.builder().devMode().clientKey(Ed25519KeyPair.generate())
                    .clientAddress(TonAddress.parse("0:" + "11".repeat(32), "wallet"))
                    .channelId(PaymentChannel.randomChannelId()).deposit(1_000_000_000_000L)
                    .maxCostPerRequest(10_000_000L).store(SpendStore.inMemory()).build();
            try (WorkerServer server = WorkerServer.start(ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)),
                    identity, attestation, engine);
                 WorkerServer paidServer = WorkerServer.start(ServerSettings.defaults(
                         new InetSocketAddress("127.0.0.1", 0)), identity, paidAttestation, engine, desk);
                 CocoonClient client = CocoonClient.builder().endpoint(server.endpoint()).policy(policy).build();
                 CocoonClient paying = CocoonClient.builder().endpoint(paidServer.endpoint()).policy(policy)
                         .payment(channel).build();
                 CocoonClient payingFromMemory = CocoonClient.builder().endpoint(paidServer.endpoint()).policy(policy)
                         .payment(memoryChannel).build()) {
                client.verifyWorker();
                paying.verifyWorker();
                payingFromMemory.verifyWorker();
                long[] tokens = new long[1];
                ServingFloor floor = new ServingFloor(server.endpoint(), identity);
                List<ServedPath> paths = List.of(
                        new ServedPath("raw engine.generate", p -> tokens[0] += rawGenerate(engine, p)),
                        new ServedPath("floor: raw, then a loopback GET /healthz and the 3 public-key operations",
                                p -> {
                                    rawGenerate(engine, p);
                                    floor.run();
                                }),
                        new ServedPath("SDK -> HTTP -> sealed worker", p -> client.chat(request(p))),
                        new ServedPath("same, streamed", p -> client.chatStream(request(p), text -> { })),
                        new ServedPath("same, paid: client store on disk, worker ledger on disk",
                                p -> paying.chat(request(p))),
                        new ServedPath("same, paid: client store in memory, worker ledger on disk",
                                p -> payingFromMemory.chat(request(p))));
                // A worker serves for hours: the figures are the JIT-compiled steady state, not the first requests.
                long warmStart = System.nanoTime();
                for (int round = 0; round < servingWarmupRounds; round++) {
                    round(paths, problems);
                }
                double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
                double[] best = new double[paths.size()];
                java.util.Arrays.fill(best, Double.MAX_VALUE);
                List<long[][]> measured = new ArrayList<>();
                for (int round = 0; round < SERVING_MEASURED_ROUNDS; round++) {
                    tokens[0] = 0;
                    long[][] nanos = round(paths, problems);
                    measured.add(nanos);
                    for (int i = 0; i < paths.size(); i++) {
                        best[i] = Math.min(best[i], java.util.Arrays.stream(nanos[i]).sum() / 1e9);
                    }
                }
                System.out.printf(Locale.ROOT, "%nserving overhead, %d sequential requests (%d completion tokens), "
                        + "the paths taking turns on each, best of %d rounds after %d warm-up rounds (%.0f s):%n",
                        problems.size(), tokens[0], SERVING_MEASURED_ROUNDS, servingWarmupRounds, warmSeconds);
                System.out.printf(Locale.ROOT, "| path | ms/request | added ms/request | median added, paired | "
                        + "ratio to raw |%n| --- | ---: | ---: | ---: | ---: |%n");
                for (int i = 0; i < paths.size(); i++) {
                    System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", paths.get(i).name(),
                            best[i] * 1000 / problems.size(), (best[i] - best[0]) * 1000 / problems.size(),
                            medianAddedMillis(measured, i, 0), best[i] / best[0]);
                }
                int floorRow = 1;
                int sealedRow = 2;
                int streamedRow = 3;
                System.out.printf(Locale.ROOT, "beyond the floor, median of paired differences: sealed single-shot "
                        + "%.2f ms/request, streamed %.2f%n", medianAddedMillis(measured, sealedRow, floorRow),
                        medianAddedMillis(measured, streamedRow, floorRow));
                long saves = 200;
                SpendStore disk = SpendStore.directory(scratch.resolve("fsync-probe"));
                var record = paying.payments().get(0);
                long start = System.nanoTime();
                for (int i = 0; i < saves; i++) {
                    disk.save(record);
                }
                System.out.printf(Locale.ROOT, "one durable client-store save (append, fdatasync): %.2f ms%n",
                        (System.nanoTime() - start) / 1e6 / saves);
            }
        }
    }
}
