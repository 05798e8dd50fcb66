package network.cocoon.benchmarks;

import java.util.List;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.crypto.OpenedRequest;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.crypto.SealingException;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
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
 * The client's sealing cost per request: seal a request body to the worker key, then open the worker's
 * response of the same size. The worker's opening and sealing run in setup, outside the measurement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SealingBenchmark {
    @Param({"1024", "16384", "262144"})
    int bytes;

    @Param({"CHACHA20_POLY1305", "AES_128_GCM"})
    String aead;

    private KeyConfig config;
    private HpkeSuite suite;
    private byte[] body;
    private SealedRequest exchange;
    private byte[] response;

    @Setup
    public void setUp() throws SealingException {
        HpkeKeyPair key = HpkeKeyPair.generate();
        suite = aead.equals("AES_128_GCM") ? HpkeSuite.X25519_SHA256_AES128GCM
                : HpkeSuite.X25519_SHA256_CHACHA20POLY1305;
        config = new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, key.publicKey(), List.of(suite));
        body = new byte[bytes];
        new java.util.Random(1).nextBytes(body);
        exchange = SealedRequest.seal(config, suite, body);
        response = OpenedRequest.open(exchange.message(), config, key).sealResponse(body);
    }

    /** Seals a request: one X25519 encapsulation, the key schedule and the AEAD over the body. */
    @Benchmark
    public byte[] sealRequest() {
        return SealedRequest.seal(config, suite, body).message();
    }

    /** Opens a response: the exporter, HKDF and the AEAD over the body. */
    @Benchmark
    public byte[] openResponse() throws SealingException {
        return exchange.openResponse(response);
    }
}
