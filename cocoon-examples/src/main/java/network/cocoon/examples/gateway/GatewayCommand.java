package network.cocoon.examples.gateway;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import network.cocoon.examples.connect.ClientOptions;
import network.cocoon.examples.connect.WorkerConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocoon gateway}: OpenAI's chat API on a local port, answered by attested workers through the SDK. */
@Command(name = "gateway", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        usageHelpWidth = 110, description = "Serves OpenAI's /v1/chat/completions (streaming as server-sent"
        + " events) and /v1/models, forwarding every request sealed, verified and paid through the SDK. Runs"
        + " until stopped.")
public final class GatewayCommand implements Callable<Integer> {
    @Mixin
    ClientOptions connection;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "the address to"
            + " listen on; other than loopback it needs an API key")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000", description = "the port to listen on")
    int port;

    @Option(names = "--api-key-env", paramLabel = "NAME", defaultValue = "COCOON_GATEWAY_API_KEY",
            description = "the environment variable holding the bearer token clients must send (none: no check,"
                    + " loopback only)")
    String apiKeyEnv;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Optional<String> apiKey = Optional.ofNullable(System.getenv(apiKeyEnv)).filter(k -> !k.isEmpty());
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
        if (apiKey.isEmpty() && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("--host " + host + " is not loopback: set " + apiKeyEnv
                    + " so that only your clients spend the channel");
        }
        try (WorkerConnection worker = WorkerConnection.open(connection, out);
             OpenAiGateway gateway = OpenAiGateway.start(address, worker.client(), apiKey)) {
            var model = worker.client().verifyWorker().document().model();
            out.println("gateway  " + gateway.endpoint() + "/v1 serving " + model.id() + " (attested, digest "
                    + model.digest() + ")" + (apiKey.isPresent() ? "; API key required" : ""));
            out.println("try      curl -s " + gateway.endpoint() + "/v1/chat/completions -H 'Content-Type:"
                    + " application/json' -d '{\"model\":\"" + model.id()
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"123+456\"}],\"temperature\":0}'");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "gateway-stop"));
            stopped.await();
        }
        return 0;
    }
}
