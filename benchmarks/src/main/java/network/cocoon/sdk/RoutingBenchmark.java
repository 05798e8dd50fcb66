package network.cocoon.sdk;

import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.routing.WorkerDirectory;
import okhttp3.OkHttpClient;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What routing adds to a request: one pick by the power of two choices over the listed workers (directory
 * read, ejection check, two scores), and the in-flight bookkeeping around the request. In the SDK's package
 * because the router is internal.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingBenchmark {
    @Param({"4", "64"})
    int workers;

    private Router router;
    private final Random rng = new Random(1);

    @Setup
    public void setUp() {
        OkHttpClient http = new OkHttpClient();
        AttestationPolicy policy = AttestationPolicy.builder()
                .allowInsecureDevelopmentEvidence(Ed25519KeyPair.generate().publicKey()).build();
        List<URI> endpoints = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            endpoints.add(URI.create("http://10.0.0." + (i + 1) + ":8080"));
        }
        SecureRandom random = new SecureRandom();
        router = new Router(WorkerDirectory.fixed(endpoints), e -> new WorkerConnection(e, http, policy, random),
                () -> rng, System::nanoTime);
        // Measured workers, as after some traffic.
        for (WorkerConnection c : router.workers()) {
            c.health().succeeded(5_000_000 + random.nextInt(1_000_000), 20_000_000 + random.nextInt(1_000_000));
        }
    }

    @Benchmark
    public WorkerConnection pickAndAccount() {
        WorkerConnection c = router.pick(List.of());
        c.health().started();
        c.health().ended();
        return c;
    }
}
