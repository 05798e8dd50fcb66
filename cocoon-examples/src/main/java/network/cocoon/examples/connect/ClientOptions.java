package network.cocoon.examples.connect;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import network.cocoon.examples.local.LocalWorker;
import picocli.CommandLine.Option;

/**
 * How an example reaches a worker and what it trusts, shared by every example's command line. With no
 * {@code --worker} the example starts the bundled model on loopback in its own process (INSECURE dev evidence
 * and dev payments), so each example runs with one command.
 */
public final class ClientOptions {
    @Option(names = "--worker", paramLabel = "URL",
            description = "a running worker's base URL; when absent, a local dev worker with the bundled model is"
                    + " started in this process")
    URI worker;

    @Option(names = "--model", paramLabel = "DIR", description = "the local worker's model directory (without"
            + " --worker)", defaultValue = "cocoon-worker/models/cocoon-add-tiny")
    Path model = LocalWorker.BUNDLED_MODEL;

    @Option(names = "--trust-dev-root", paramLabel = "HEX", description = "accept a worker's INSECURE dev"
            + " evidence when signed by this dev root key (the worker prints it at start)")
    String devRoot;

    @Option(names = "--trust-tdx-mrtd", paramLabel = "HEX", description = "accept Intel TDX workers running this"
            + " published image (MRTD, 48 bytes hex); repeatable")
    List<String> tdxImages = new ArrayList<>();

    @Option(names = "--pccs", paramLabel = "URL", description = "the PCCS that serves TDX collateral",
            defaultValue = "https://api.trustedservices.intel.com")
    String pccs = "https://api.trustedservices.intel.com";

    @Option(names = "--allow-model", paramLabel = "DIGEST", description = "a model digest to accept (the worker"
            + " prints it); repeatable; required with --worker")
    List<String> models = new ArrayList<>();

    @Option(names = "--max-price", paramLabel = "PROMPT,COMPLETION", description = "the most to pay, nanotons"
            + " per 1,000 prompt and completion tokens")
    String maxPrice;

    @Option(names = "--channel", paramLabel = "FILE", description = "a funded TON payment channel (properties:"
            + " client_key_seed_file, client_address, channel_id, address, deposit, max_cost_per_request); without"
            + " it, an INSECURE dev channel that only dev workers accept")
    Path channel;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "where the client keeps what it promised"
            + " and was charged", defaultValue = "cocoon-client-state")
    Path stateDir = Path.of("cocoon-client-state");

    /** Options for a local worker with the given model and everything else at its default. */
    public static ClientOptions local(Path model) {
        ClientOptions options = new ClientOptions();
        options.model = model;
        return options;
    }

    /** Options for a remote worker that is trusted by its dev root, with its model allowed. */
    public static ClientOptions devWorker(URI worker, String devRootHex, String modelDigest, Path stateDir) {
        ClientOptions options = new ClientOptions();
        options.worker = worker;
        options.devRoot = devRootHex;
        options.models.add(modelDigest);
        options.stateDir = stateDir;
        return options;
    }
}
