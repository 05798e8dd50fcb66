package network.cocoon.benchmarks;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.attestation.DevEvidence;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Labels;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;
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
 * Verification costs: one Ed25519 result signature; a cold attestation check (evidence, document and
 * key-config parsing); and the cached path a request takes once the worker is verified.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerificationBenchmark {
    private byte[] publicKey;
    private byte[] digest;
    private byte[] signature;
    private AttestationVerifier verifier;
    private AttestationDocument document;
    private byte[] nonce;

    @Setup
    public void setUp() {
        Ed25519KeyPair signing = Ed25519KeyPair.generate();
        publicKey = signing.publicKey();
        digest = new byte[32];
        signature = signing.sign(digest);

        Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
        KeyConfig config = new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, HpkeKeyPair.generate().publicKey(),
                List.of(HpkeSuite.X25519_SHA256_CHACHA20POLY1305));
        nonce = new byte[32];
        long now = Clock.systemUTC().instant().getEpochSecond();
        AttestationDocument unsigned = new AttestationDocument(Labels.VERSION, DevEvidence.PLATFORM, null,
                config.encode(), publicKey, new ModelInfo("bench", "ab".repeat(32)), new Price(1, 2), "EQ", now,
                now + 3600, nonce);
        document = unsigned.withEvidence(DevEvidence.sign(devRoot, unsigned.reportData()));
        AttestationPolicy policy = AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey())
                .build();
        verifier = new AttestationVerifier(policy);
    }

    /** One Ed25519 verification, as done on every result. */
    @Benchmark
    public boolean verifyResultSignature() {
        return Ed25519.verify(publicKey, digest, signature);
    }

    /** Verifying an attestation document from scratch (dev evidence: one Ed25519 verification + SHA-512). */
    @Benchmark
    public VerifiedWorker verifyAttestationCold() {
        return verifier.verify(document, nonce);
    }

    /** What every request pays once the worker is verified: a cache lookup and expiry check. */
    @Benchmark
    public VerifiedWorker verifyAttestationCached(CachedState state) {
        return state.client.verifyWorker();
    }

    /** A client with a real worker's attestation cached. */
    @State(Scope.Benchmark)
    public static class CachedState {
        CocoonClient client;
        private AutoCloseable worker;

        @Setup
        public void setUp() throws Exception {
            Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
            var identity = network.cocoon.worker.identity.WorkerIdentity.generate();
            var attestation = new network.cocoon.worker.identity.AttestationService(identity,
                    new network.cocoon.worker.tee.DevTee(devRoot), new ModelInfo("bench", "ab".repeat(32)),
                    new Price(0, 0), "", Duration.ofHours(1), Clock.systemUTC());
            // Only /v1/attestation is called here, so the server needs no inference engine.
            var server = network.cocoon.worker.server.WorkerServer.start(
                    network.cocoon.worker.server.ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)),
                    identity, attestation, null);
            worker = server;
            client = CocoonClient.builder().endpoint(server.endpoint()).policy(AttestationPolicy.builder()
                    .allowInsecureDevelopmentEvidence(devRoot.publicKey()).build()).build();
            client.verifyWorker();
        }

        @org.openjdk.jmh.annotations.TearDown
        public void tearDown() throws Exception {
            client.close();
            worker.close();
        }
    }
}
