package network.cocoon.worker.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import network.cocoon.worker.payment.SettleCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cocoon-worker settle}: the operator's side of getting paid, from the ledger. */
@Command(name = "settle", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        usageHelpWidth = 110, description = "Lists what each paid channel owes, and closes channels from the"
                + " worker's ledger through a TON HTTP API, from the operator's wallet (the wallet v4r2 of its"
                + " channel key).")
final class SettleCli implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--action", paramLabel = "ACTION", defaultValue = "list", description = "${COMPLETION-CANDIDATES}")
    SettleCommand.Action action;

    @Option(names = "--channel", paramLabel = "ADDRESS", description = "the channel (start, finish, cooperative)")
    String channel;

    @Option(names = "--ledger", paramLabel = "FILE", defaultValue = "cocoon-ledger.db",
            description = "the worker's ledger")
    Path ledger;

    @Option(names = "--channel-key-seed", paramLabel = "FILE", required = true,
            description = "the operator's channel key seed, as the worker used it")
    Path channelKeySeed;

    @Option(names = "--payout", paramLabel = "ADDRESS", required = true,
            description = "the operator's payout, as the worker attested it")
    String payout;

    @Option(names = "--quarantine-duration", paramLabel = "SECONDS",
            defaultValue = "3600", description = "the worker's channel terms")
    long quarantineDuration;

    @Option(names = "--misbehavior-fine", paramLabel = "N",
            defaultValue = "0", description = "the worker's channel terms")
    long misbehaviorFine;

    @Option(names = "--excess-fee", paramLabel = "N", defaultValue = "0", description = "the worker's channel terms")
    long excessFee;

    @Option(names = "--deposit", paramLabel = "N", description = "the client's deposit, nanotons (cooperative)")
    Long deposit;

    @Option(names = "--ton-api", paramLabel = "URL", description = "a TON HTTP API v2 JSON-RPC endpoint (start,"
            + " finish)")
    String tonApi;

    @Option(names = "--ton-api-key-file", paramLabel = "FILE", description = "its key, if it needs one")
    Path tonApiKeyFile;

    @Override
    public Integer call() throws Exception {
        Map<String, String> options = ConfigFile.values(spec);
        return SettleCommand.run(options, new java.io.PrintStream(System.out, true), SettleCommand.api(options));
    }
}
