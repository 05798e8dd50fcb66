package network.cocoon.benchmarks;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.FinishReason;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.DevTee;

/**
 * Aggregate throughput over 1, 2 and 4 workers on loopback through one SDK client: real workers, sealing,
 * verification and routing, with generation simulated as a fixed time per request (a GPU's time, which does not
 * compete for this machine's two cores), so that the figure shows how routing spreads load, not how fast the
 * CPU runs a model.
 *
 * <p>Usage: {@code java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*"
 * network.cocoon.benchmarks.RoutingThroughput [seconds per row, default 10]}
 */
public final class RoutingThroughput {
    /** Simulated generation time per request. */
    static final Duration GENERATION = Duration.ofMillis(40);
    /** Requests each worker generates at once (its batch). */
    static final int WORKER_BATCH = 4;
    static final int CLIENT_THREADS = 32;

    private RoutingThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        System.out.println("| workers | requests/s | ratio to 1 worker | requests per worker |");
        System.out.println("| ---: | ---: | ---: | --- |");
        double base = 0;
        for (int n : new int[] {1, 2, 4}) {
            Row row = run(n, seconds);
            if (n == 1) {
                base = row.perSecond;
            }
            System.out.printf(Locale.ROOT, "| %d | %.1f | %.2f | %s |%n", n, row.perSecond, row.perSecond / base,
                    row.perWorker);
        }
    }

    record Row(double perSecond, List<Integer> perWorker) {
    }

    static Row run(int workers, int seconds) throws Exception {
        Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
        List<WorkerServer> servers = new ArrayList<>();
        List<SimulatedEngine> engines = new ArrayList<>();
        try {
            CocoonClient.Builder builder = CocoonClient.builder().policy(AttestationPolicy.builder()
                    .allowInsecureDevelopmentEvidence(devRoot.publicKey()).build());
            for (int i = 0; i < workers; i++) {
                SimulatedEngine engine = new SimulatedEngine();
                WorkerIdentity identity = WorkerIdentity.generate();
                AttestationService attestation = new AttestationService(identity, new DevTee(devRoot),
                        engine.model(), new Price(0, 0), "EQpayout", Duration.ofHours(1), Clock.systemUTC());
                WorkerServer server = WorkerServer.start(ServerSettings.defaults(
                        new InetSocketAddress("127.0.0.1", 0)), identity, attestation, engine);
                engines.add(engine);
                servers.add(server);
                builder.endpoint(server.endpoint());
            }
            try (CocoonClient client = builder.build()) {
                ChatRequest ask = ChatRequest.builder().user("1+1").maxTokens(4).build();
                // Warm-up: attestation fetched, connections open, JIT compiled.
                load(client, ask, Duration.ofSeconds(2));
                engines.forEach(e -> e.calls.set(0));
                long done = load(client, ask, Duration.ofSeconds(seconds));
                return new Row(done / (double) seconds, engines.stream().map(e -> e.calls.get()).toList());
            }
        } finally {
            servers.forEach(WorkerServer::close);
        }
    }

    private static long load(CocoonClient client, ChatRequest ask, Duration length) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicInteger failed = new AtomicInteger();
        long end = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        for (int t = 0; t < CLIENT_THREADS; t++) {
            pool.execute(() -> {
                while (System.nanoTime() < end) {
                    try {
                        client.chat(ask);
                        done.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(length.toSeconds() + 60, TimeUnit.SECONDS);
        if (failed.get() > 0) {
            System.out.println("(" + failed.get() + " requests failed)");
        }
        return done.get();
    }

    /** Answers "2" after {@link #GENERATION}, at most {@link #WORKER_BATCH} at once, like a GPU's batch. */
    static final class SimulatedEngine implements InferenceEngine {
        final AtomicInteger calls = new AtomicInteger();
        private final java.util.concurrent.Semaphore batch = new java.util.concurrent.Semaphore(WORKER_BATCH);

        @Override
        public ModelInfo model() {
            return new ModelInfo("simulated", "ab".repeat(32));
        }

        @Override
        public Generation generate(GenerationRequest request, TokenSink sink) throws InterruptedException {
            request.admission().admit(3, request.maxTokens());
            batch.acquire();
            try {
                Thread.sleep(GENERATION);
            } finally {
                batch.release();
            }
            calls.incrementAndGet();
            sink.accept("2");
            return new Generation("2", FinishReason.STOP, 3, 1);
        }

        @Override
        public void close() {
        }
    }
}
