package network.cocoon.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.attestation.tdx.DcapVerifier;
import network.cocoon.sdk.attestation.tdx.TdxCollateral;
import network.cocoon.sdk.attestation.tdx.TdxQuote;
import network.cocoon.sdk.attestation.tdx.TdxVerdict;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cold verification of the real TDX quote with its collateral: parsing, three certificate chains, two CRLs,
 * five ECDSA signatures and TCB matching. Run from the repository root (it reads the SDK's test vectors).
 * The per-request cost once a worker is verified is the cache check in {@link VerificationBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TdxVerificationBenchmark {
    private static final Path VECTORS = Path.of("cocoon-sdk", "src", "test", "resources", "vectors", "tdx");

    private byte[] quote;
    private TdxCollateral collateral;
    private DcapVerifier verifier;
    private Instant at;

    @Setup
    public void setUp() throws IOException, TdxVerificationException {
        quote = Files.readAllBytes(VECTORS.resolve("tdx_quote"));
        collateral = TdxCollateral.fromJson(Files.readAllBytes(VECTORS.resolve("tdx_quote_collateral.json")));
        verifier = DcapVerifier.withIntelRoot();
        // Inside the collateral's window (TCB info issued 2025-06-19T10:16:03Z, QE identity 10:32:27Z).
        at = Instant.parse("2025-06-19T12:00:00Z");
        verifyTdxQuoteCold();
    }

    /** Everything a client does the first time it sees a TDX worker (collateral already at hand). */
    @Benchmark
    public TdxVerdict verifyTdxQuoteCold() throws TdxVerificationException {
        return verifier.verify(TdxQuote.parse(quote), collateral, at);
    }
}
