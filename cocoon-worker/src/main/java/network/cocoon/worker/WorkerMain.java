package network.cocoon.worker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.DjlEngine;
import network.cocoon.worker.inference.EngineSettings;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.server.WorkerServer;
import network.cocoon.worker.tee.ConfigfsTsmTee;
import network.cocoon.worker.tee.DevTee;
import network.cocoon.worker.tee.TeePlatform;

/**
 * Runs a worker: {@code java -jar cocoon-worker.jar --model DIR [options]}. Options:
 * <pre>
 *   --model DIR             Hugging Face checkpoint directory (required)
 *   --host H --port P       where to listen (127.0.0.1:8080)
 *   --device cpu|gpu|auto   where to run the model (cpu)
 *   --tee tdx|dev           evidence platform (dev); tdx reads quotes from configfs-tsm and fails closed
 *                           without it; dev is INSECURE and for development only
 *   --tsm-root DIR          configfs-tsm report directory (/sys/kernel/config/tsm/report)
 *   --dev-root-seed FILE    dev root key seed (32 bytes hex); a fresh one is made if absent
 *   --model-id ID           model name clients request (directory name)
 *   --chat-template NAME    chatml or llama3 (detected)
 *   --price-prompt N        nanotons per 1,000 prompt tokens (0)
 *   --price-completion N    nanotons per 1,000 completion tokens (0)
 *   --payout ADDRESS        operator's TON address ("")
 *   --max-batch N --queue N --max-context N
 * </pre>
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        if (!options.containsKey("model")) {
            System.err.println("usage: java -jar cocoon-worker.jar --model DIR [--port 8080] [--device cpu|gpu|auto] "
                    + "[--tee dev] (see the README)");
            System.exit(2);
        }
        TeePlatform tee = tee(options);
        EngineSettings engineSettings = new EngineSettings(options.getOrDefault("device", "cpu"),
                options.get("model-id"), options.get("chat-template"),
                Integer.parseInt(options.getOrDefault("max-batch", "16")),
                Integer.parseInt(options.getOrDefault("queue", "64")),
                Integer.parseInt(options.getOrDefault("max-context", "4096")));
        DjlEngine engine = DjlEngine.load(new Checkpoint(Path.of(options.get("model"))), engineSettings);
        WorkerIdentity identity = WorkerIdentity.generate();
        Price price = new Price(Long.parseLong(options.getOrDefault("price-prompt", "0")),
                Long.parseLong(options.getOrDefault("price-completion", "0")));
        AttestationService attestation = new AttestationService(identity, tee, engine.model(), price,
                options.getOrDefault("payout", ""), Duration.ofHours(1), Clock.systemUTC());
        InetSocketAddress address = new InetSocketAddress(options.getOrDefault("host", "127.0.0.1"),
                Integer.parseInt(options.getOrDefault("port", "8080")));
        WorkerServer server = WorkerServer.start(ServerSettings.defaults(address), identity, attestation, engine);
        System.out.println("cocoon worker serving " + engine.model().id() + " (digest " + engine.model().digest()
                + ") at " + server.endpoint());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            engine.close();
            stopped.countDown();
        }));
        stopped.await();
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

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return options;
    }
}
