package network.cocoon.examples.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.DjlEngine;
import network.cocoon.worker.inference.EngineSettings;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.payment.DevFunding;
import network.cocoon.worker.payment.PaymentDesk;
import network.cocoon.worker.payment.PaymentLedger;
import network.cocoon.worker.payment.PaymentSettings;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.DevTee;
import network.cocoon.worker.tee.GpuAttester;

/**
 * A worker on loopback in this process, with the dev TEE and dev payments (both INSECURE: nothing is proven and
 * nothing is on chain), so that every example runs with one command and no second terminal. What a client must
 * pin to trust it, the dev root key and the model digest, comes with it.
 */
public final class LocalWorker implements AutoCloseable {
    /** Where the bundled model lies, relative to the repository root. */
    public static final Path BUNDLED_MODEL = Path.of("cocoon-worker", "models", "cocoon-add-tiny");
    /** The deposit a dev channel to this worker declares: 1 TON. */
    public static final long DEV_DEPOSIT = 1_000_000_000L;
    /** The local worker's price, nanotons per 1,000 prompt and completion tokens. */
    public static final Price PRICE = new Price(100_000, 200_000);

    private final Ed25519KeyPair devRoot;
    private final DjlEngine engine;
    private final PaymentLedger ledger;
    private final WorkerServer server;
    private final Path scratch;

    private LocalWorker(Ed25519KeyPair devRoot, DjlEngine engine, PaymentLedger ledger, WorkerServer server,
                        Path scratch) {
        this.devRoot = devRoot;
        this.engine = engine;
        this.ledger = ledger;
        this.server = server;
        this.scratch = scratch;
    }

    /**
     * Loads the model and starts serving on an ephemeral loopback port.
     *
     * @param model a checkpoint directory, for example {@link #BUNDLED_MODEL}
     * @throws IOException when the model cannot be loaded or the port cannot be bound
     */
    public static LocalWorker start(Path model) throws IOException {
        // The machines this runs on are offline: DJL must use the bundled native library only.
        System.setProperty("offline", "true");
        if (!Files.isDirectory(model)) {
            throw new IOException("no model directory at " + model.toAbsolutePath()
                    + ": run from the repository root or pass --model");
        }
        Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
        Path scratch = Files.createTempDirectory("cocoon-local-worker");
        PaymentSettings paymentSettings = new PaymentSettings(PaymentTerms.MODE_DEV, Ed25519KeyPair.generate(),
                TonAddress.parse("0:" + "0".repeat(64), "payout"), new ClosingConfig(3600, 0, 0), 0,
                scratch.resolve("worker-ledger.db"));
        DjlEngine engine = DjlEngine.load(new Checkpoint(model), EngineSettings.defaults());
        PaymentLedger ledger = null;
        try {
            ledger = PaymentLedger.open(paymentSettings.ledger());
            WorkerIdentity identity = WorkerIdentity.generate();
            PaymentDesk payments = new PaymentDesk(paymentSettings, new DevFunding(DEV_DEPOSIT), ledger,
                    identity.signingKey(), PRICE, Clock.systemUTC());
            AttestationService attestation = new AttestationService(identity, new DevTee(devRoot), GpuAttester.NONE,
                    engine.model(), PRICE, paymentSettings.payout().toString(), payments.terms(),
                    Duration.ofHours(1), Clock.systemUTC());
            WorkerServer server = WorkerServer.start(
                    ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)), identity, attestation, engine,
                    payments);
            return new LocalWorker(devRoot, engine, ledger, server, scratch);
        } catch (IOException | RuntimeException e) {
            if (ledger != null) {
                ledger.close();
            }
            engine.close();
            throw e;
        }
    }

    /** Where the worker listens. */
    public URI endpoint() {
        return server.endpoint();
    }

    /** The model it serves: what a client allows by digest. */
    public ModelInfo model() {
        return engine.model();
    }

    /** The dev root's public key, the key a client pins to accept this worker's INSECURE dev evidence. */
    public byte[] devRootKey() {
        return devRoot.publicKey();
    }

    /** {@link #devRootKey()} in hex, as the examples print it and take it on their command lines. */
    public String devRootHex() {
        return HexFormat.of().formatHex(devRoot.publicKey());
    }

    /** The policy a client needs for this worker: its dev root and its model, nothing else. */
    public AttestationPolicy policy() {
        return AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRootKey())
                .allowModel(model().digest()).build();
    }

    /**
     * A fresh INSECURE dev payment channel, accepted only by workers in the dev payment mode (such as this one),
     * its spend kept under {@code store}.
     *
     * @param store a directory for the client's spend records
     */
    public static PaymentChannel devChannel(Path store) {
        return PaymentChannel.builder().devMode().clientKey(Ed25519KeyPair.generate())
                .clientAddress(TonAddress.parse("0:" + "1".repeat(64), "client wallet"))
                .channelId(PaymentChannel.randomChannelId()).deposit(DEV_DEPOSIT).maxCostPerRequest(1_000_000)
                .store(SpendStore.directory(store)).build();
    }

    /** A directory that lives as long as this worker's process, for the examples' client state. */
    public Path scratch() {
        return scratch;
    }

    /** Stops serving and releases the model and the ledger. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                ledger.close();
            } finally {
                engine.close();
            }
        }
    }
}
