package network.cocoon.worker.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.DevTee;
import okhttp3.OkHttpClient;

/** A real worker on a loopback port with a dev TEE, and clients that trust it. */
public final class LocalWorker implements AutoCloseable {
    public static final Price PRICE = new Price(1_000, 2_000);

    public final Ed25519KeyPair devRoot;
    public final WorkerIdentity identity = WorkerIdentity.generate();
    public final InferenceEngine engine;
    public final WorkerServer server;

    public LocalWorker(InferenceEngine engine) throws IOException {
        this(engine, ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)));
    }

    public LocalWorker(InferenceEngine engine, ServerSettings settings) throws IOException {
        this(engine, settings, Ed25519KeyPair.generate());
    }

    /** A worker whose dev evidence is signed by {@code devRoot}, so that one policy can trust several. */
    public LocalWorker(InferenceEngine engine, ServerSettings settings, Ed25519KeyPair devRoot) throws IOException {
        this.devRoot = devRoot;
        this.engine = engine;
        var attestation = new AttestationService(identity, new DevTee(devRoot), engine.model(), PRICE, "EQpayout",
                Duration.ofHours(1), Clock.systemUTC());
        this.server = WorkerServer.start(settings, identity, attestation, engine);
    }

    public AttestationPolicy.Builder policy() {
        return AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey());
    }

    public CocoonClient client() {
        return client(new OkHttpClient());
    }

    public CocoonClient client(OkHttpClient http) {
        return CocoonClient.builder().endpoint(server.endpoint()).policy(policy().build()).httpClient(http).build();
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}
