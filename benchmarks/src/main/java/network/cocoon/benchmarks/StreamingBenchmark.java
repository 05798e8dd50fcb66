package network.cocoon.benchmarks;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What each chunk of a stream costs: a real worker on loopback whose engine answers at once with {@code chunks}
 * pieces of text, asked through the SDK streamed and single-shot. The difference between 129 chunks and 1,
 * divided by 128, is the cost of one more chunk end to end (sealed, written, read, opened, parsed, handed to the
 * listener); single-shot over the same answers shows what the same text costs without chunks. The engine takes
 * no time, so this is the hot path: a generation between chunks leaves each colder.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 12, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StreamingBenchmark {
    /** How many pieces of text the engine emits. */
    @Param({"1", "129"})
    public int chunks;

    private WorkerServer server;
    private CocoonClient client;
    private ChatRequest request;

    /** Emits {@code chunks} short pieces at once, as a decoder emits tokens. */
    private final class InstantEngine implements InferenceEngine {
        private final ModelInfo model = new ModelInfo("instant", "00".repeat(32));

        @Override
        public ModelInfo model() {
            return model;
        }

        @Override
        public Generation generate(GenerationRequest generation, TokenSink sink) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < chunks; i++) {
                String piece = " tok" + (i % 10);
                sink.accept(piece);
                text.append(piece);
            }
            return new Generation(text.toString(), FinishReason.LENGTH, 8, chunks);
        }

        @Override
        public void close() {
        }
    }

    @Setup
    public void setUp() throws java.io.IOException {
        Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
        WorkerIdentity identity = WorkerIdentity.generate();
        InferenceEngine engine = new InstantEngine();
        AttestationService attestation = new AttestationService(identity, new DevTee(devRoot), engine.model(),
                new Price(0, 0), "", Duration.ofHours(1), Clock.systemUTC());
        server = WorkerServer.start(ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)), identity,
                attestation, engine);
        client = CocoonClient.builder().endpoint(server.endpoint())
                .policy(AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey()).build())
                .build();
        client.verifyWorker();
        request = ChatRequest.builder().user("12+34=").maxTokens(256).temperature(0).build();
    }

    @TearDown
    public void tearDown() {
        client.close();
        server.close();
    }

    @Benchmark
    public void streamed(Blackhole sink) {
        sink.consume(client.chatStream(request, sink::consume));
    }

    @Benchmark
    public void singleShot(Blackhole sink) {
        sink.consume(client.chat(request));
    }
}
