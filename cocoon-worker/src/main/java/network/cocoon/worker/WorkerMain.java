package network.cocoon.worker;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.worker.cli.LoadProgressPrinter;
import network.cocoon.worker.cli.PreFlight;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.sdk.ton.TonHttpApi;
import network.cocoon.worker.payment.ChannelFunding;
import network.cocoon.worker.payment.DevFunding;
import network.cocoon.worker.payment.OnChainFunding;
import network.cocoon.worker.payment.PaymentDesk;
import network.cocoon.worker.payment.PaymentLedger;
import network.cocoon.worker.payment.PaymentSettings;
import network.cocoon.worker.tee.GpuAttester;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.DjlEngine;
import network.cocoon.worker.inference.EngineSettings;
import network.cocoon.worker.inference.llama.WeightPrecision;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.server.AdmissionLimits;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.ConfigfsTsmTee;
import network.cocoon.worker.tee.DevTee;
import network.cocoon.worker.tee.TeePlatform;

/**
 * Runs a worker: {@code java -jar cocoon-worker.jar --model DIR [options]}. {@code --help} lists every option with
 * its default ({@link network.cocoon.worker.cli.WorkerCommand}); {@code settle --help} the operator's settlement
 * command.
 */
public final class WorkerMain {
    /** How long a stopping worker waits for the requests in flight. */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(30);

    private WorkerMain() {
    }

    public static void main(String[] args) {
        int status = network.cocoon.worker.cli.WorkerCommand.run(args,
                new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true));
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * The pre-flight alone ({@code --check}): hashes the model, reads this platform's measurements, prints them
     * and compares them with the allow-list when one is given.
     *
     * @throws IllegalStateException naming every mismatch
     */
    public static void check(Map<String, String> options) throws IOException {
        PrintStream out = System.out;
        Checkpoint checkpoint = new Checkpoint(Path.of(options.get("model")));
        PreFlight.check(tee(options), checkpoint.digest(new LoadProgressPrinter(out, modelName(options,
                checkpoint))), allowList(options), out);
    }

    /**
     * Starts the worker with effective options (by name, as {@code --print-config} shows them) and serves until
     * the JVM shuts down. With an allow-list, the pre-flight must pass before the port opens.
     */
    public static void serve(Map<String, String> options) throws Exception {
        PrintStream out = System.out;
        TeePlatform tee = tee(options);
        Checkpoint checkpoint = new Checkpoint(Path.of(options.get("model")));
        Path allowList = allowList(options);
        String name = modelName(options, checkpoint);
        EngineSettings engineSettings = new EngineSettings(options.getOrDefault("device", "cpu"),
                options.get("model-id"), options.get("chat-template"),
                Integer.parseInt(options.getOrDefault("max-batch", "16")),
                Integer.parseInt(options.getOrDefault("queue", "64")),
                Integer.parseInt(options.getOrDefault("max-context", "4096")),
                WeightPrecision.parse(options.getOrDefault("weight-precision", "float32")));
        DjlEngine engine = DjlEngine.load(checkpoint, engineSettings, new LoadProgressPrinter(out, name));
        PaymentDesk payments = null;
        WorkerServer server;
        try {
            out.println("warming up " + name + " on " + engine.device() + " ...");
            out.println("warmed up in " + engine.warmUp().toMillis() + " ms");
            Map<String, String> measurements = PreFlight.check(tee, engine.model().digest(), allowList, out);
            WorkerIdentity identity = WorkerIdentity.generate();
            Price price = new Price(Long.parseLong(options.getOrDefault("price-prompt", "0")),
                    Long.parseLong(options.getOrDefault("price-completion", "0")));
            payments = payments(options, identity, price);
            String payout = payments == null ? options.getOrDefault("payout", "") : payments.payout().toString();
            AttestationService attestation = new AttestationService(identity, tee, GpuAttester.NONE,
                    engine.model(), price, payout, payments == null ? null : payments.terms(), Duration.ofHours(1),
                    Clock.systemUTC(), Integer.parseInt(options.getOrDefault("pow-bits", "0")));
            InetSocketAddress address = new InetSocketAddress(options.getOrDefault("host", "127.0.0.1"),
                    Integer.parseInt(options.getOrDefault("port", "8080")));
            AdmissionLimits limits = new AdmissionLimits(Double.parseDouble(options.getOrDefault("client-rate", "20")),
                    Integer.parseInt(options.getOrDefault("client-burst", "100")),
                    Integer.parseInt(options.getOrDefault("client-in-flight", "8")));
            server = WorkerServer.start(ServerSettings.defaults(address).withAdmission(limits), identity, attestation,
                    engine, payments);
            StringBuilder publish = new StringBuilder();
            measurements.forEach((key, value) -> publish.append(' ').append(key).append('=').append(value));
            out.println("cocoon worker serving " + engine.model().id() + " (digest " + engine.model().digest()
                    + ") at " + server.endpoint() + " on " + engine.device() + ", evidence " + tee.platform()
                    + ", publish" + publish);
        } catch (Exception | Error e) {
            if (payments != null) {
                payments.ledger().close();
            }
            engine.close();
            throw e;
        }
        PaymentDesk desk = payments;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: stop taking requests (new ones get a signed busy refusal and go elsewhere), let those in
            // flight finish and be charged, close the ledger (its last transaction is already durable), exit 0.
            boolean finished = server.drain(DRAIN_GRACE);
            engine.close();
            if (desk != null) {
                desk.ledger().close();
            }
            out.println("cocoon worker stopped" + (finished ? "" : " (requests still running after "
                    + DRAIN_GRACE.toSeconds() + " s were cut)"));
            out.flush();
            stopped.countDown();
            Runtime.getRuntime().halt(finished ? 0 : 1);
        }, "cocoon-drain"));
        stopped.await();
    }

    private static Path allowList(Map<String, String> options) {
        return options.containsKey("allow-list") ? Path.of(options.get("allow-list")) : null;
    }

    private static String modelName(Map<String, String> options, Checkpoint checkpoint) {
        return options.getOrDefault("model-id",
                checkpoint.directory().toAbsolutePath().normalize().getFileName().toString());
    }

    static PaymentDesk payments(Map<String, String> options, WorkerIdentity identity, Price price) throws IOException {
        String mode = options.getOrDefault("payments", options.getOrDefault("tee", "dev").equals("dev") ? "dev" : "off");
        if (mode.equals("off")) {
            return null;
        }
        if (!mode.equals("dev") && !mode.equals("ton")) {
            throw new IllegalArgumentException("--payments must be off, dev or ton");
        }
        boolean ton = mode.equals("ton");
        if (ton && (!options.containsKey("channel-key-seed") || !options.containsKey("payout")
                || !options.containsKey("ton-api"))) {
            throw new IllegalArgumentException("--payments ton needs --channel-key-seed, --payout and --ton-api");
        }
        Ed25519KeyPair channelKey = options.containsKey("channel-key-seed")
                ? Ed25519KeyPair.fromSeed(HexFormat.of().parseHex(
                        Files.readString(Path.of(options.get("channel-key-seed"))).trim()))
                : Ed25519KeyPair.generate();
        TonAddress payout = TonAddress.parse(options.getOrDefault("payout", "0:" + "0".repeat(64)), "--payout");
        PaymentSettings paymentSettings = new PaymentSettings(ton ? PaymentTerms.MODE_TON : PaymentTerms.MODE_DEV,
                channelKey, payout,
                new ClosingConfig(Long.parseLong(options.getOrDefault("quarantine-duration", "3600")),
                        Long.parseLong(options.getOrDefault("misbehavior-fine", "0")), 0),
                Long.parseLong(options.getOrDefault("excess-fee", "0")),
                Path.of(options.getOrDefault("ledger", "cocoon-ledger.db")));
        ChannelFunding funding;
        if (ton) {
            String key = options.containsKey("ton-api-key-file")
                    ? Files.readString(Path.of(options.get("ton-api-key-file"))).trim() : null;
            funding = new OnChainFunding(new TonHttpApi(okhttp3.HttpUrl.get(options.get("ton-api")), key,
                    new okhttp3.OkHttpClient()), Duration.ofSeconds(30), Clock.systemUTC());
        } else {
            long deposit = Long.parseLong(options.getOrDefault("dev-deposit", "10000000000"));
            System.out.println("INSECURE dev payments: channels are not on chain and each is taken to hold " + deposit
                    + " nanotons; nothing can be paid out. For development only.");
            funding = new DevFunding(deposit);
        }
        PaymentLedger ledger = PaymentLedger.open(paymentSettings.ledger());
        return new PaymentDesk(paymentSettings, funding, ledger, identity.signingKey(), price, Clock.systemUTC());
    }

    static TeePlatform tee(Map<String, String> options) throws IOException {
        String tee = options.getOrDefault("tee", "dev");
        if (tee.equals("tdx")) {
            // Fails closed: without configfs-tsm the worker does not start, and never falls back to dev.
            return ConfigfsTsmTee.open(Path.of(options.getOrDefault("tsm-root", ConfigfsTsmTee.DEFAULT_ROOT.toString())));
        }
        if (!tee.equals("dev")) {
            throw new IllegalArgumentException("unknown TEE platform '" + tee + "' (tdx, dev)");
        }
        Ed25519KeyPair devRoot;
        if (options.containsKey("dev-root-seed")) {
            String hex = Files.readString(Path.of(options.get("dev-root-seed"))).trim();
            devRoot = Ed25519KeyPair.fromSeed(HexFormat.of().parseHex(hex));
        } else {
            devRoot = Ed25519KeyPair.generate();
        }
        System.out.println("INSECURE dev TEE: its evidence proves nothing about hardware; for development only.");
        System.out.println("dev root public key (pin it with allowInsecureDevelopmentEvidence): "
                + HexFormat.of().formatHex(devRoot.publicKey()));
        return new DevTee(devRoot);
    }
}
