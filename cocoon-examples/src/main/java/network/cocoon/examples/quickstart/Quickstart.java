package network.cocoon.examples.quickstart;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.Payment;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.Receipt;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.payment.DevFunding;
import network.cocoon.worker.payment.PaymentDesk;
import network.cocoon.worker.payment.PaymentLedger;
import network.cocoon.worker.payment.PaymentSettings;
import network.cocoon.worker.tee.GpuAttester;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.DjlEngine;
import network.cocoon.worker.inference.EngineSettings;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.DevTee;

/**
 * The whole confidential request path on one machine: starts a worker on loopback with the bundled small
 * model, then sends an encrypted, paid prompt through the SDK and prints the verified answer, the verified
 * receipt and what was checked. Payments use the INSECURE dev channel mode (nothing on chain).
 *
 * <p>Usage: {@code java -jar cocoon-examples/target/cocoon-examples.jar [--model DIR] [--prompt "123+456"]}
 */
public final class Quickstart {
    /** The deposit of the demo's dev channel: 1 TON. */
    static final long DEV_DEPOSIT = 1_000_000_000L;

    /** Where the bundled model lies, relative to the repository root. */
    public static final Path BUNDLED_MODEL = Path.of("cocoon-worker", "models", "cocoon-add-tiny");

    /** Held so that the level set on it is not lost to garbage collection. */
    private static final java.util.logging.Logger DJL_LOG = java.util.logging.Logger.getLogger("ai.djl");

    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        // One line per log record, and DJL's start-up chatter (engine, threads, no CUDA driver) kept out of the
        // demo; the SDK's warning about insecure dev evidence still shows.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%n");
        }
        DJL_LOG.setLevel(java.util.logging.Level.SEVERE);
        Path model = BUNDLED_MODEL;
        String prompt = "123+456";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[i + 1]);
                case "--prompt" -> prompt = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!Files.isDirectory(model)) {
            System.err.println("no model at " + model.toAbsolutePath() + ": run from the repository root or pass --model");
            System.exit(2);
        }
        run(model, prompt, System.out);
    }

    /** For "a+b" prompts, whether the model's answer is the sum: the small model is trained on exactly that. */
    static String additionCheck(String prompt, String answer) {
        var match = java.util.regex.Pattern.compile("\\s*(\\d{1,9})\\s*\\+\\s*(\\d{1,9})\\s*").matcher(prompt);
        if (!match.matches()) {
            return "";
        }
        long sum = Long.parseLong(match.group(1)) + Long.parseLong(match.group(2));
        return String.valueOf(sum).equals(answer) ? "   (correct)" : "   (wrong: the sum is " + sum + ")";
    }

    /** Runs the quickstart and returns the verified answer. */
    public static VerifiedCompletion run(Path model, String prompt, PrintStream out) throws Exception {
        // The machines this runs on are offline: DJL must use the bundled native library only.
        System.setProperty("offline", "true");
        Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
        Path scratch = Files.createTempDirectory("cocoon-quickstart");
        Price price = new Price(100_000, 200_000);
        PaymentSettings paymentSettings = new PaymentSettings(PaymentTerms.MODE_DEV, Ed25519KeyPair.generate(),
                TonAddress.parse("0:" + "0".repeat(64), "payout"), new ClosingConfig(3600, 0, 0), 0,
                scratch.resolve("worker-ledger.db"));
        try (DjlEngine engine = DjlEngine.load(new Checkpoint(model), EngineSettings.defaults());
             PaymentLedger ledger = PaymentLedger.open(paymentSettings.ledger())) {
            WorkerIdentity identity = WorkerIdentity.generate();
            PaymentDesk payments = new PaymentDesk(paymentSettings, new DevFunding(DEV_DEPOSIT), ledger,
                    identity.signingKey(), price, Clock.systemUTC());
            AttestationService attestation = new AttestationService(identity, new DevTee(devRoot), GpuAttester.NONE,
                    engine.model(), price, paymentSettings.payout().toString(), payments.terms(), Duration.ofHours(1),
                    Clock.systemUTC());
            try (WorkerServer worker = WorkerServer.start(
                    ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)), identity, attestation, engine,
                    payments)) {
                out.println("worker   " + worker.endpoint() + " serving " + engine.model().id()
                        + " (dev TEE and dev payments: INSECURE, for local development only)");
                out.println("dev root " + java.util.HexFormat.of().formatHex(devRoot.publicKey())
                        + "   (the key the client pins: allowInsecureDevelopmentEvidence)");
                AttestationPolicy policy = AttestationPolicy.builder()
                        .allowInsecureDevelopmentEvidence(devRoot.publicKey())
                        .allowModel(engine.model().digest())
                        .build();
                PaymentChannel channel = PaymentChannel.builder()
                        .devMode()
                        .clientKey(Ed25519KeyPair.generate())
                        .clientAddress(TonAddress.parse("0:" + "1".repeat(64), "client wallet"))
                        .channelId(PaymentChannel.randomChannelId())
                        .deposit(DEV_DEPOSIT)
                        .maxCostPerRequest(1_000_000)
                        .store(SpendStore.directory(scratch.resolve("client-channels")))
                        .build();
                try (CocoonClient client = CocoonClient.builder().endpoint(worker.endpoint()).policy(policy)
                        .payment(channel).build()) {
                    var verified = client.verifyWorker();
                    out.println("attested platform " + verified.document().platform() + ", model digest "
                            + verified.document().model().digest() + ", HPKE suite " + verified.suite());
                    out.println("prompt   " + prompt + "   (sealed to the attested X25519 key)");
                    out.print("answer   ");
                    VerifiedCompletion answer = client.chatStream(ChatRequest.builder().user(prompt).maxTokens(16)
                            .temperature(0).build(), out::print);
                    out.println(additionCheck(prompt, answer.content()));
                    var v = answer.verification();
                    out.println("verified response decrypted under the request's HPKE context; Ed25519 signature by "
                            + "the attested key " + v.signingKey().substring(0, 16) + "... over request hash "
                            + v.requestHash().substring(0, 16) + "..., completion hash, model digest and usage ("
                            + answer.completion().usage().promptTokens() + " prompt + "
                            + answer.completion().usage().completionTokens() + " completion tokens)");
                    Payment paid = answer.payment().orElseThrow();
                    Receipt r = paid.receipt().receipt();
                    out.println("paid     " + r.amount() + " nanotons = floor((" + r.promptTokens() + " x "
                            + r.price().promptPer1k() + " + " + r.completionTokens() + " x "
                            + r.price().completionPer1k() + ") / 1000); receipt seqno " + r.seqno() + " on channel "
                            + r.channel() + ", signed by the attested key and bound into the result signature");
                    out.println("channel  owed " + paid.owed() + " nanotons by the receipts; promised "
                            + paid.promised() + " (the most the worker can claim: the debt before plus this"
                            + " request's maximum); deposit " + DEV_DEPOSIT);
                    return answer;
                }
            }
        }
    }
}
