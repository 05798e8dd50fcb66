package network.cocoon.worker.server;

import java.io.IOException;
import java.net.URI;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.WorkerError;
import network.cocoon.worker.identity.AttestationService;
import network.cocoon.worker.identity.WorkerIdentity;

import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.metrics.WorkerMetrics;
import network.cocoon.worker.payment.PaymentDesk;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The worker's HTTP API: {@code GET /healthz}, {@code GET /v1/attestation[?nonce=hex]} and
 * {@code POST /v1/sealed}, on Jetty. Each exchange runs on its own virtual thread; a bad request never
 * affects the others. Connections are capped, and slow ones are closed by {@link RequestDeadlines}.
 */
public final class WorkerServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkerServer.class.getName());
    /**
     * Jetty's request parsing warns with request bytes in its messages (a bad Host header or port, a repeated
     * header's values): request content in the operator's log. The worker answers those requests 400 itself, so
     * the warnings say nothing an operator needs. Held here: java.util.logging keeps only weak references to
     * loggers, and a collected one would forget its level. (Through SLF4J's JUL binding, as the worker ships; an
     * application embedding the server with another binding must do the same there.)
     */
    private static final java.util.List<java.util.logging.Logger> JETTY_REQUEST_PARSING = java.util.List.of(
            quiet("org.eclipse.jetty.util.HostPort"), quiet("org.eclipse.jetty.http"));

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }
    private static final Pattern NONCE_QUERY =
            Pattern.compile("nonce=([0-9a-fA-F]{2}){1," + AttestationService.MAX_NONCE_BYTES + "}");

    private final Server server;
    private final ServerConnector connector;
    private final RequestDeadlines deadlines;
    private final WorkerMetrics metrics;
    private final Lifecycle lifecycle;

    /** Whether the worker takes new requests, and how many sealed requests are in flight. */
    static final class Lifecycle {
        final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    }

    private WorkerServer(Server server, ServerConnector connector, RequestDeadlines deadlines,
                         WorkerMetrics metrics, Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
        this.metrics = metrics;
        this.server = server;
        this.connector = connector;
        this.deadlines = deadlines;
    }

    /** Starts serving without taking payment; the engine and identity stay owned by the caller. */
    public static WorkerServer start(ServerSettings settings, WorkerIdentity identity, AttestationService attestation,
                                     InferenceEngine engine) throws IOException {
        return start(settings, identity, attestation, engine, null);
    }

    /**
     * Starts serving, taking payment at {@code payments} ({@code null} for none, in which case the attestation
     * must publish no payment terms). The engine, identity and desk stay owned by the caller.
     */
    public static WorkerServer start(ServerSettings settings, WorkerIdentity identity, AttestationService attestation,
                                     InferenceEngine engine, PaymentDesk payments) throws IOException {
        if ((payments == null) != (attestation.payment() == null)
                || payments != null && (!payments.terms().equals(attestation.payment())
                        || !payments.payout().toString().equals(attestation.payout()))) {
            throw new IllegalArgumentException("the attested payment terms and payout must be the payment desk's");
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("cocoon-http");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        // No buffer pool. With Jetty's pool, about once in 10^5 requests beside fuzzed connections a well-formed
        // request was read wrong: answered 400 as malformed, or its body cut short (HTTP fuzz runs 1 to 6). A
        // pooled buffer handed to one connection while another still used it fits both, and would also carry one
        // connection's bytes into another's request. Without the pool, 10^6 fuzz inputs ran clean; each buffer is
        // a short-lived heap array instead (see benchmarks/README.md for the cost).
        Server server = new Server(threads, null, new ByteBufferPool.NonPooling());

        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setUseInputDirectByteBuffers(false);
        http.setUseOutputDirectByteBuffers(false);
        http.setRequestHeaderSize(settings.maxHeaderBytes());
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(settings.address().getAddress().getHostAddress());
        connector.setPort(settings.address().getPort());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        // Streamed answers are many small writes: with Nagle's algorithm each waits for a delayed ACK.
        connector.setAcceptedTcpNoDelay(true);
        RequestDeadlines deadlines = new RequestDeadlines(settings.requestHeadTimeout().toMillis(),
                settings.requestBodyTimeout().toMillis());
        connector.addEventListener(deadlines);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(settings.maxConnections(), connector));
        server.setErrorHandler(new ProtocolErrorHandler());
        server.setStopTimeout(1_000);

        WorkerMetrics metrics = new WorkerMetrics(engine::queued);
        Lifecycle lifecycle = new Lifecycle();
        var sealed = new SealedChatHandler(settings, identity, attestation, engine, payments, metrics,
                lifecycle.draining::get);
        Readiness readiness = new Readiness(attestation, lifecycle.draining::get,
                payments == null ? () -> false : payments::ledgerFailing);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                Connection connection = request.getConnectionMetaData().getConnection();
                deadlines.readingBody(connection);
                var exchange = new Exchange(request, response, callback,
                        () -> deadlines.processing(connection), () -> deadlines.awaitingHead(connection));
                guarded(exchange, () -> route(exchange, attestation, sealed, metrics, readiness, lifecycle));
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            deadlines.close();
            try {
                server.stop();
            } catch (Exception ignored) {
                // Nothing more to release.
            }
            throw e instanceof IOException io ? io : new IOException("cannot start the HTTP server", e);
        }
        LOG.log(System.Logger.Level.INFO, "worker listening on {0}:{1,number,#}, model {2}",
                connector.getHost(), connector.getLocalPort(), attestation.model().id());
        return new WorkerServer(server, connector, deadlines, metrics, lifecycle);
    }

    /** The worker's metrics (also served at {@code GET /metrics}). */
    public WorkerMetrics metrics() {
        return metrics;
    }

    /** The loopback or bound address as a base URI. */
    public URI endpoint() {
        String host = connector.getHost();
        if (host == null || host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + connector.getLocalPort());
    }

    /** Connections open now, for tests and metrics. */
    public int openConnections() {
        return deadlines.openConnections();
    }

    /** Jetty's dump of its state (connectors, selectors, endpoints and their interests), to diagnose a stall. */
    String dumpState() {
        return server.dump();
    }

    /**
     * Graceful shutdown: from now on {@code /readyz} answers 503 and new sealed requests get a signed busy
     * refusal (so clients send them elsewhere); waits up to {@code grace} for the requests in flight to finish,
     * then stops.
     *
     * @return whether every request in flight finished within the grace period
     */
    public boolean drain(java.time.Duration grace) {
        lifecycle.draining.set(true);
        long end = System.nanoTime() + grace.toNanos();
        boolean finished;
        while (!(finished = lifecycle.inFlight.get() == 0) && System.nanoTime() - end < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        return finished;
    }

    /** Sealed requests being answered now. */
    public int inFlight() {
        return lifecycle.inFlight.get();
    }

    /** Stops accepting and waits up to a second for exchanges in flight. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (java.util.concurrent.TimeoutException e) {
            // Connections still open after the stop timeout were cut: the documented behaviour of close().
            LOG.log(System.Logger.Level.DEBUG, "HTTP server stopped with connections still open");
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "HTTP server did not stop cleanly: {0}", e.getClass().getName());
        } finally {
            deadlines.close();
        }
    }

    private static void route(Exchange exchange, AttestationService attestation, SealedChatHandler sealed,
                              WorkerMetrics metrics, Readiness readiness, Lifecycle lifecycle) throws IOException {
        if (exchange.path().equals("/readyz")) {
            if (requireMethod(exchange, "GET")) {
                exchange.processing();
                String problem = readiness.problem();
                exchange.sendJson(problem == null ? 200 : 503, Map.of("status", problem == null ? "ready" : problem));
            }
            return;
        }
        if (exchange.path().equals("/v1/sealed")) {
            lifecycle.inFlight.incrementAndGet();
            try {
                route(exchange, attestation, sealed, metrics);
            } finally {
                lifecycle.inFlight.decrementAndGet();
            }
            return;
        }
        route(exchange, attestation, sealed, metrics);
    }

    private static void route(Exchange exchange, AttestationService attestation, SealedChatHandler sealed,
                              WorkerMetrics metrics) throws IOException {
        if (!onlyChunkedTransferCoding(exchange.header("Transfer-Encoding"))) {
            // Jetty would frame such a body as chunked and hand over still-coded bytes: refuse it as RFC 9112 says.
            exchange.setHeader("Connection", "close");
            exchange.sendJson(501, WorkerError.of(ErrorCode.BAD_HTTP, "only the chunked transfer coding is supported"));
            return;
        }
        switch (exchange.path()) {
            case "/healthz" -> {
                if (requireMethod(exchange, "GET")) {
                    exchange.processing();
                    exchange.sendJson(200, Map.of("status", "ok"));
                }
            }
            case "/v1/attestation" -> {
                if (requireMethod(exchange, "GET")) {
                    exchange.processing();
                    serveAttestation(exchange, attestation);
                }
            }
            case "/v1/sealed" -> {
                if (requireMethod(exchange, "POST")) {
                    boolean failed = true;
                    try {
                        sealed.handle(exchange);
                        failed = false;
                    } finally {
                        // A failure the handler did not answer is answered 500 by guarded().
                        metrics.request(failed && exchange.outcome().equals("none") ? "internal_error"
                                : exchange.outcome());
                    }
                }
            }
            case "/metrics" -> {
                if (requireMethod(exchange, "GET")) {
                    exchange.processing();
                    exchange.send(200, WorkerMetrics.CONTENT_TYPE, metrics.scrape());
                }
            }
            default -> exchange.sendError(ErrorCode.NOT_FOUND, WorkerErrors.messageFor(ErrorCode.NOT_FOUND));
        }
    }

    private static boolean onlyChunkedTransferCoding(String transferEncoding) {
        if (transferEncoding == null) {
            return true;
        }
        for (String coding : transferEncoding.split(",")) {
            if (!coding.trim().equalsIgnoreCase("chunked")) {
                return false;
            }
        }
        return true;
    }

    private static void serveAttestation(Exchange exchange, AttestationService attestation) throws IOException {
        byte[] nonce = new byte[0];
        String query = exchange.query();
        if (query != null && !query.isEmpty()) {
            if (!NONCE_QUERY.matcher(query).matches()) {
                exchange.sendError(ErrorCode.MALFORMED_MESSAGE,
                        "query must be nonce=<hex, 1 to " + AttestationService.MAX_NONCE_BYTES + " bytes>");
                return;
            }
            nonce = HexFormat.of().parseHex(query.substring("nonce=".length()).toLowerCase(Locale.ROOT));
        }
        exchange.sendJson(200, attestation.issue(nonce));
    }

    private static boolean requireMethod(Exchange exchange, String allowed) throws IOException {
        if (exchange.method().equals(allowed)) {
            return true;
        }
        exchange.setHeader("Allow", allowed);
        exchange.sendError(ErrorCode.METHOD_NOT_ALLOWED, "use " + allowed);
        return false;
    }

    /**
     * Runs a handler so that every exchange ends in exactly one answer or a closed connection, no failure
     * escapes to the server, and nothing of the request is logged or sent back.
     */
    static void guarded(Exchange exchange, IoAction action) {
        try {
            action.run();
        } catch (Exchange.BadFramingException e) {
            answerIfPossible(exchange, ErrorCode.BAD_HTTP, true, e);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client connection failed: {0}", e.getClass().getSimpleName());
            exchange.abort(e);
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "handler failed: {0}", e.getClass().getName());
            answerIfPossible(exchange, ErrorCode.INTERNAL_ERROR, false, e);
        } finally {
            if (!exchange.completed()) {
                exchange.abort(new IllegalStateException("handler ended without a response"));
            }
        }
    }

    private static void answerIfPossible(Exchange exchange, ErrorCode code, boolean close, Throwable cause) {
        if (exchange.completed() || exchange.committed()) {
            // Part of an answer is out: all that is left is to end the connection.
            exchange.abort(cause);
            return;
        }
        try {
            if (close) {
                exchange.setHeader("Connection", "close");
            }
            exchange.sendError(code, WorkerErrors.messageFor(code));
        } catch (IOException | RuntimeException e) {
            exchange.abort(cause);
        }
    }

    @FunctionalInterface
    interface IoAction {
        void run() throws IOException;
    }
}
