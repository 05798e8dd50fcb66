package network.cocoon.worker.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;
import network.cocoon.worker.inference.InferenceEngine;

/**
 * The worker's HTTP API: {@code GET /healthz}, {@code GET /v1/attestation[?nonce=hex]} and
 * {@code POST /v1/sealed}. One virtual thread per exchange; a bad request never affects the others.
 */
public final class WorkerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerServer.class.getName());

    static {
        // Streamed answers are many small writes: with Nagle's algorithm each waits for the client's delayed
        // ACK. The JDK server reads this once, when its first instance is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private WorkerServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving; the engine and identity stay owned by the caller. */
    public static WorkerServer start(ServerSettings settings, WorkerIdentity identity, AttestationService attestation,
                                     InferenceEngine engine) throws IOException {
        HttpServer server = HttpServer.create(settings.address(), 128);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        var sealed = new SealedChatHandler(settings, identity, attestation, engine);
        server.createContext("/", exchange -> guarded(exchange, () -> route(exchange, attestation, sealed)));
        server.start();
        LOG.log(System.Logger.Level.INFO, "worker listening on {0}, model {1}", server.getAddress(),
                attestation.model().id());
        return new WorkerServer(server, executor);
    }

    /** The loopback or bound address as a base URI. */
    public URI endpoint() {
        var address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
        return URI.create("http://" + host + ":" + address.getPort());
    }

    /** Stops accepting and waits up to a second for exchanges in flight. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private static void route(HttpExchange exchange, AttestationService attestation, SealedChatHandler sealed)
            throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/healthz" -> {
                if (requireMethod(exchange, method, "GET")) {
                    HttpExchanges.sendJson(exchange, 200, Map.of("status", "ok"));
                }
            }
            case "/v1/attestation" -> {
                if (requireMethod(exchange, method, "GET")) {
                    serveAttestation(exchange, attestation);
                }
            }
            case "/v1/sealed" -> {
                if (requireMethod(exchange, method, "POST")) {
                    sealed.handle(exchange);
                }
            }
            default -> HttpExchanges.sendError(exchange, ErrorCode.NOT_FOUND, "no such path");
        }
    }

    private static void serveAttestation(HttpExchange exchange, AttestationService attestation) throws IOException {
        byte[] nonce = new byte[0];
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && !query.isEmpty()) {
            if (!query.matches("nonce=([0-9a-fA-F]{2}){1," + AttestationService.MAX_NONCE_BYTES + "}")) {
                HttpExchanges.sendError(exchange, ErrorCode.MALFORMED_MESSAGE,
                        "query must be nonce=<hex, at most " + AttestationService.MAX_NONCE_BYTES + " bytes>");
                return;
            }
            nonce = HexFormat.of().parseHex(query.substring("nonce=".length()).toLowerCase(java.util.Locale.ROOT));
        }
        HttpExchanges.sendJson(exchange, 200, attestation.issue(nonce));
    }

    private static boolean requireMethod(HttpExchange exchange, String method, String allowed) throws IOException {
        if (method.equals(allowed)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", allowed);
        HttpExchanges.sendError(exchange, ErrorCode.METHOD_NOT_ALLOWED, "use " + allowed);
        return false;
    }

    /** Runs a handler so that no failure escapes to the server thread, and never logs request content. */
    private static void guarded(HttpExchange exchange, IoAction action) {
        try (exchange) {
            action.run();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client connection failed: {0}", e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "handler failed: " + e.getClass().getName());
            try {
                HttpExchanges.sendError(exchange, ErrorCode.INTERNAL_ERROR, "internal error");
            } catch (IOException | RuntimeException ignored) {
                // Headers were already sent; closing the exchange is all that is left.
            }
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
