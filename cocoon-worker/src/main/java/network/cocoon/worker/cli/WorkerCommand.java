package network.cocoon.worker.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import network.cocoon.worker.WorkerMain;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cocoon-worker}: serves a model to Cocoon clients, attested and paid. */
@Command(name = "cocoon-worker", mixinStandardHelpOptions = true, version = "cocoon-worker 0.1.0-SNAPSHOT",
        sortOptions = false, showDefaultValues = true, usageHelpWidth = 110, subcommands = SettleCli.class,
        description = "Serves LLM inference to Cocoon clients: sealed requests, attested keys, signed results and"
                + " paid receipts. Options may also come from --config FILE (name = value, without the dashes);"
                + " flags override the file.")
public final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "a properties file of these options")
    Path config;

    @Option(names = "--print-config", description = "print the effective options (defaults, file, flags) and exit")
    boolean printConfig;

    @Option(names = "--check", description = "pre-flight only: print the model digest and this platform's"
            + " measurements, compare them with --allow-list when given, and exit (1 on a mismatch)")
    boolean check;

    @Option(names = "--allow-list", paramLabel = "FILE", description = "the published allow-list (JSON: models,"
            + " tdx_images); the worker checks itself against it before going live and refuses to start on a"
            + " mismatch")
    Path allowList;

    @Option(names = "--model", paramLabel = "DIR", description = "the Hugging Face checkpoint directory (required)")
    Path model;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "the address to listen on")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "the port to listen on")
    int port;

    @Option(names = "--device", paramLabel = "DEVICE",
            defaultValue = "cpu", description = "where the model runs: ${COMPLETION-CANDIDATES}")
    Device device;

    @Option(names = "--tee", paramLabel = "TEE",
            defaultValue = "dev", description = "the evidence platform: tdx (configfs-tsm, fails"
            + " closed without it) or dev (INSECURE, development only)")
    Tee tee;

    @Option(names = "--tsm-root", paramLabel = "DIR", defaultValue = "/sys/kernel/config/tsm/report",
            description = "the configfs-tsm report directory")
    Path tsmRoot;

    @Option(names = "--dev-root-seed", paramLabel = "FILE", description = "the dev root key's seed (32 bytes hex);"
            + " a fresh key when absent")
    Path devRootSeed;

    @Option(names = "--model-id", paramLabel = "ID",
            description = "the model name clients request (default: the directory's name)")
    String modelId;

    @Option(names = "--chat-template", paramLabel = "NAME", description = "chatml or llama3 (default: detected)")
    String chatTemplate;

    @Option(names = "--price-prompt", paramLabel = "N",
            defaultValue = "0", description = "nanotons per 1,000 prompt tokens")
    long pricePrompt;

    @Option(names = "--price-completion", paramLabel = "N",
            defaultValue = "0", description = "nanotons per 1,000 completion tokens")
    long priceCompletion;

    @Option(names = "--payments", paramLabel = "MODE",
            description = "how requests are paid: off, dev (INSECURE: no chain) or ton"
            + " (default: dev with --tee dev, else off)")
    Payments payments;

    @Option(names = "--payout", paramLabel = "ADDRESS", description = "the operator's TON address, raw form wc:hex"
            + " (default in dev payments: the zero address)")
    String payout;

    @Option(names = "--channel-key-seed", paramLabel = "FILE", description = "the operator's channel key seed"
            + " (32 bytes hex; required with --payments ton, a fresh key in dev)")
    Path channelKeySeed;

    @Option(names = "--ledger", paramLabel = "FILE", defaultValue = "cocoon-ledger.db",
            description = "the payment ledger's SQLite file")
    Path ledger;

    @Option(names = "--dev-deposit", paramLabel = "N",
            defaultValue = "10000000000", description = "the deposit assumed for each dev"
            + " channel, nanotons")
    long devDeposit;

    @Option(names = "--ton-api", paramLabel = "URL", description = "a TON HTTP API v2 JSON-RPC endpoint (--payments"
            + " ton), e.g. https://toncenter.com/api/v2/jsonRPC")
    String tonApi;

    @Option(names = "--ton-api-key-file", paramLabel = "FILE", description = "the TON HTTP API's key, if it needs"
            + " one")
    Path tonApiKeyFile;

    @Option(names = "--quarantine-duration", paramLabel = "SECONDS",
            defaultValue = "3600", description = "channel terms: seconds of"
            + " quarantine in an uncooperative close")
    long quarantineDuration;

    @Option(names = "--misbehavior-fine", paramLabel = "N",
            defaultValue = "0", description = "channel terms: nanotons fined for"
            + " closing with an old state")
    long misbehaviorFine;

    @Option(names = "--excess-fee", paramLabel = "N",
            defaultValue = "0", description = "channel terms: the excess fee, nanotons")
    long excessFee;

    @Option(names = "--weight-precision", paramLabel = "P", defaultValue = "float32",
            description = "how the model's matrices are stored: float32 (exact), float16 (half the memory"
            + " traffic per token; refused for weights beyond float16's range), bfloat16 (half the traffic,"
            + " float32's range, 8 significant bits) or int8 (weight-only, a quarter of the traffic)")
    String weightPrecision;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "16", description = "sequences decoded together")
    int maxBatch;

    @Option(names = "--queue", paramLabel = "N",
            defaultValue = "64", description = "requests waiting before the worker answers busy")
    int queue;

    @Option(names = "--max-context", paramLabel = "N",
            defaultValue = "4096", description = "the most tokens of a sequence")
    int maxContext;

    @Option(names = "--client-rate", paramLabel = "N", defaultValue = "20", description = "requests a second one"
            + " client (a channel key, or unpaid, a request's HPKE key) may send; over it: 429 with Retry-After")
    double clientRate;

    @Option(names = "--client-burst", paramLabel = "N", defaultValue = "100", description = "requests a quiet client"
            + " may send at once")
    int clientBurst;

    @Option(names = "--client-in-flight", paramLabel = "N", defaultValue = "8", description = "requests of one"
            + " client answered at once")
    int clientInFlight;

    @Option(names = "--pow-bits", paramLabel = "N", defaultValue = "0", description = "proof of work each request"
            + " must carry, in leading zero bits (0 = none, at most 32; clients refuse more than 24 by default)")
    int powBits;

    /** Where the model runs. */
    enum Device { cpu, gpu, auto }

    /** The evidence platform. */
    enum Tee { tdx, dev }

    /** How requests are paid. */
    enum Payments { off, dev, ton }

    @Override
    public Integer call() throws Exception {
        Map<String, String> options = options();
        if (printConfig) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("# cocoon-worker effective options: built-in defaults, then --config, then flags");
            for (OptionSpec option : spec.options()) {
                String key = ConfigFile.key(option);
                if (options.containsKey(key)) {
                    out.println(key + " = " + options.get(key));
                } else if (!ConfigFile.isControl(key)) {
                    out.println("# " + key + " = (not set)");
                }
            }
            out.flush();
            return 0;
        }
        if (model == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model is required");
        }
        if (check) {
            WorkerMain.check(options);
        } else {
            WorkerMain.serve(options);
        }
        return 0;
    }

    /** The effective options by name, as the worker reads them; unset optional ones are absent. */
    Map<String, String> options() {
        return ConfigFile.values(spec);
    }

    /**
     * Runs the command line: the exit status is 0, 2 for a bad option or value (one line on stderr), or 1 when
     * the worker cannot start (one line, no stack trace).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new WorkerCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("cocoon-worker: " + e.getMessage() + " (see --help)");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean badValue = e instanceof IllegalArgumentException;
            err.println("cocoon-worker: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            err.flush();
            return badValue ? 2 : 1;
        });
        try {
            Path config = configArgument(args);
            if (config != null) {
                cli.setDefaultValueProvider(ConfigFile.read(config, cli.getCommandSpec()));
            }
        } catch (IllegalArgumentException e) {
            err.println("cocoon-worker: " + e.getMessage());
            err.flush();
            return 2;
        }
        return cli.execute(args);
    }

    /** {@code --config FILE} or {@code --config=FILE}, read before parsing, since it supplies the defaults. */
    static Path configArgument(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("settle")) {
                return null;
            }
            if (args[i].equals("--config")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--config needs a FILE");
                }
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Path.of(args[i].substring("--config=".length()));
            }
        }
        return null;
    }
}
