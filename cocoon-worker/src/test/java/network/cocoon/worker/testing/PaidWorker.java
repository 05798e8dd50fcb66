package network.cocoon.worker.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.payment.DevFunding;
import network.cocoon.worker.payment.PaymentDesk;
import network.cocoon.worker.payment.PaymentLedger;
import network.cocoon.worker.payment.PaymentSettings;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.DevTee;
import network.cocoon.worker.tee.GpuAttester;
import okhttp3.OkHttpClient;

/**
 * A real worker on loopback that takes payment in dev channel mode, with its ledger in a given file, and
 * clients that pay it. The operator's key and payout are the caller's, so a restarted worker accepts the same
 * channels.
 */
public final class PaidWorker implements AutoCloseable {
    public static final Price PRICE = new Price(100_000, 200_000);
    public static final TonAddress PAYOUT = TonAddress.parse("0:" + "ab".repeat(32), "payout");
    public static final TonAddress CLIENT_WALLET = TonAddress.parse("0:" + "11".repeat(32), "wallet");

    public final Ed25519KeyPair devRoot;
    public final WorkerIdentity identity = WorkerIdentity.generate();
    public final InferenceEngine engine;
    public final PaymentLedger ledger;
    public final PaymentDesk desk;
    public final PaymentSettings settings;
    public final WorkerServer server;

    public PaidWorker(InferenceEngine engine, Path ledgerFile, Ed25519KeyPair operatorKey, long deposit)
            throws IOException {
        this(engine, ledgerFile, operatorKey, deposit, Ed25519KeyPair.generate());
    }

    public PaidWorker(InferenceEngine engine, Path ledgerFile, Ed25519KeyPair operatorKey, long deposit,
                      Ed25519KeyPair devRoot) throws IOException {
        this(engine, ledgerFile, operatorKey, deposit, devRoot,
                ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)));
    }

    public PaidWorker(InferenceEngine engine, Path ledgerFile, Ed25519KeyPair operatorKey, long deposit,
                      Ed25519KeyPair devRoot, ServerSettings serverSettings) throws IOException {
        this(engine, ledgerFile, operatorKey, deposit, devRoot, serverSettings, Clock.systemUTC());
    }

    /** A worker whose every clock (replay window, attestation, receipts) is {@code clock}. */
    public PaidWorker(InferenceEngine engine, Path ledgerFile, Ed25519KeyPair operatorKey, long deposit,
                      Ed25519KeyPair devRoot, ServerSettings serverSettings, Clock clock) throws IOException {
        this.engine = engine;
        this.devRoot = devRoot;
        this.settings = new PaymentSettings(PaymentTerms.MODE_DEV, operatorKey, PAYOUT,
                new ClosingConfig(3600, 0, 0), 0, ledgerFile);
        this.ledger = PaymentLedger.open(ledgerFile);
        this.desk = new PaymentDesk(settings, new DevFunding(deposit), ledger, identity.signingKey(), PRICE, clock);
        var attestation = new AttestationService(identity, new DevTee(devRoot), GpuAttester.NONE, engine.model(),
                PRICE, PAYOUT.toString(), desk.terms(), Duration.ofHours(1), clock);
        this.server = WorkerServer.start(serverSettings, identity, attestation, engine, desk);
    }

    public AttestationPolicy policy() {
        return policy(devRoot);
    }

    public static AttestationPolicy policy(Ed25519KeyPair devRoot) {
        return AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey()).build();
    }

    /** A dev channel of {@code clientKey} and {@code channelId}, with a deposit and cap. */
    public static PaymentChannel.Builder channel(Ed25519KeyPair clientKey, java.math.BigInteger channelId,
                                                 long deposit, long cap, SpendStore store) {
        return PaymentChannel.builder().devMode().clientKey(clientKey).clientAddress(CLIENT_WALLET)
                .channelId(channelId).deposit(deposit).maxCostPerRequest(cap).store(store);
    }

    public CocoonClient client(PaymentChannel channel) {
        return CocoonClient.builder().endpoint(server.endpoint()).policy(policy()).httpClient(new OkHttpClient())
                .payment(channel).build();
    }

    public CocoonClient unpaidClient() {
        return CocoonClient.builder().endpoint(server.endpoint()).policy(policy()).httpClient(new OkHttpClient())
                .build();
    }

    /** Stops serving and closes the ledger; the engine stays the caller's. */
    @Override
    public void close() {
        server.close();
        ledger.close();
    }
}
