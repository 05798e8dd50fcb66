package network.cocoon.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import network.cocoon.sdk.IntegrityException.Reason;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.routing.WorkerDirectory;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.chat.StreamListener;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.crypto.SealingException;
import network.cocoon.sdk.crypto.StreamOpener;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.ProofOfWork;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.RequestEnvelope;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.sdk.protocol.StreamEvent;
import network.cocoon.sdk.protocol.PaymentDemand;
import network.cocoon.sdk.protocol.PaymentPromise;
import network.cocoon.sdk.protocol.ResultStatement;
import network.cocoon.sdk.protocol.SignedResult;
import network.cocoon.sdk.protocol.WorkerError;
import network.cocoon.sdk.payment.ChannelRecord;
import network.cocoon.sdk.payment.Payment;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SignedSemiChannel;
import network.cocoon.sdk.payment.Tariff;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The entry point of the SDK: sends chat completions to attested Cocoon workers, end-to-end encrypted, and
 * returns only answers that passed every check.
 *
 * <p>For each request the client (1) uses the worker's verified attestation, fetching and verifying it
 * with a fresh nonce when none is cached or the cached one is no longer trusted; (2) seals the request to
 * the attested HPKE key, with an encapsulation (ephemeral key and X25519 agreement) made on the client's
 * thread pool while the previous request was in flight, and used for this request only; (3) opens the sealed
 * response; (4) recomputes the request hash, completion hash, model digest and usage and checks the worker's
 * Ed25519 signature over them with the attested key. Any failure throws a {@link CocoonException} subtype;
 * nothing is retried or downgraded silently.
 *
 * <pre>{@code
 * try (CocoonClient client = CocoonClient.builder()
 *         .endpoint(URI.create("https://worker.example"))
 *         .policy(policy)
 *         .build()) {
 *     VerifiedCompletion answer = client.chat(ChatRequest.builder().user("2+2=").maxTokens(8).build());
 * }
 * }</pre>
 *
 * <p>Thread-safe; share one instance.
 */
public final class CocoonClient implements AutoCloseable {
    /** Content type of a sealed request. */
    public static final String REQUEST_MEDIA_TYPE = "message/ohttp-req";
    /** Content type of a single-shot sealed response. */
    public static final String RESPONSE_MEDIA_TYPE = "message/ohttp-res";
    /** Content type of a streamed sealed response. */
    public static final String STREAM_MEDIA_TYPE = "message/ohttp-chunked-res";

    private static final MediaType SEALED_REQUEST = MediaType.get(REQUEST_MEDIA_TYPE);
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
    static final int MAX_CHUNK_BYTES = 1024 * 1024;

    private final Router router;
    private final Duration deadline;
    private final OkHttpClient http;
    private final AttestationPolicy policy;
    private final ExecutorService executor;
    private final boolean ownsHttp;
    private final SecureRandom random = new SecureRandom();
    /** One per channel given; a worker is paid on the first whose terms match its operator's. */
    private final List<ChannelPayer> payers;

    private CocoonClient(Builder b) {
        this.policy = b.policy;
        this.payers = b.payments.stream().map(c -> new ChannelPayer(c, b.policy.clock())).toList();
        this.ownsHttp = b.httpClient == null;
        // Without automatic retries, a pooled connection the worker is closing would fail a request (a POST
        // cannot be resent blind): drop idle connections before the worker does (the reference worker closes
        // keep-alives idle for 10 s).
        OkHttpClient base = ownsHttp ? new OkHttpClient.Builder()
                .connectionPool(new okhttp3.ConnectionPool(5, 5, java.util.concurrent.TimeUnit.SECONDS)).build()
                : b.httpClient;
        this.http = base.newBuilder()
                .connectTimeout(b.connectTimeout)
                .readTimeout(b.requestTimeout)
                .writeTimeout(b.requestTimeout)
                .callTimeout(b.requestTimeout)
                // A resent POST could be charged twice; redirects could leave the attested worker.
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                // Runs once a connection is up, just before the request is written: after it, the request may
                // have reached the worker and must not be resent elsewhere.
                .addNetworkInterceptor(chain -> {
                    SendMark mark = chain.request().tag(SendMark.class);
                    if (mark != null) {
                        mark.sent = true;
                    }
                    return chain.proceed(chain.request());
                })
                .build();
        WorkerDirectory directory = b.directory != null ? b.directory : WorkerDirectory.fixed(b.endpoints);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cocoon-client-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.router = new Router(directory, e -> new WorkerConnection(e, http, policy, random, executor),
                java.util.concurrent.ThreadLocalRandom::current, System::nanoTime);
        this.deadline = b.deadline != null ? b.deadline : b.requestTimeout;
    }

    /** A builder; an endpoint and a policy are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a chat completion request and waits for the verified answer.
     *
     * @throws AttestationException if the worker's attestation is not accepted
     * @throws IntegrityException if the answer fails any check
     * @throws WorkerRejectedException if the worker refuses the request
     * @throws TransportException if the worker cannot be reached
     */
    public VerifiedCompletion chat(ChatRequest request) {
        return send(request, null);
    }

    /**
     * Sends a request without blocking the caller. The future completes with the verified answer, or
     * exceptionally with the same {@link CocoonException}s as {@link #chat(ChatRequest)}.
     */
    public CompletableFuture<VerifiedCompletion> chatAsync(ChatRequest request) {
        Objects.requireNonNull(request);
        return CompletableFuture.supplyAsync(() -> chat(request), executor);
    }

    /**
     * Sends a request whose answer streams back: {@code listener} receives each piece of text as the worker
     * generates it, and the method returns the whole verified answer after the final chunk.
     *
     * @throws IntegrityException if any chunk or the final statement fails a check (including truncation)
     * @see StreamListener for what is verified when
     */
    public VerifiedCompletion chatStream(ChatRequest request, StreamListener listener) {
        Objects.requireNonNull(listener);
        return send(request, listener);
    }

    /**
     * The records of the payment channels this client has paid on: for each, what the receipts say is owed and
     * what the last promise allows the worker to claim. Empty without a {@link Builder#payment}.
     */
    public List<ChannelRecord> payments() {
        List<ChannelRecord> records = new ArrayList<>();
        payers.forEach(p -> records.addAll(p.records()));
        return records;
    }

    /**
     * Verifies (or returns the cached verification of) the next worker's attestation without sending a
     * prompt; useful to fail fast at start-up.
     */
    public VerifiedWorker verifyWorker() {
        WorkerConnection connection = router.pick(List.of());
        if (connection == null) {
            throw new TransportException("the worker directory lists no worker", null);
        }
        return connection.verifiedWorker();
    }

    /**
     * Releases the client's threads and, unless the OkHttp client was injected (its owner closes it), the
     * HTTP connections and dispatcher threads.
     */
    @Override
    public void close() {
        executor.shutdownNow();
        if (ownsHttp) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    /**
     * One request: routed to the best usable worker and, on a failure that proves the worker did not process
     * it (nothing was sent, its attestation or terms were refused before sending, or it signed a busy refusal),
     * sent to another one with exponential backoff and jitter, within the deadline. Any other failure is
     * reported as it is, never resent: the worker may have processed and charged it (docs/protocol.md §11).
     */
    private VerifiedCompletion send(ChatRequest request, StreamListener listener) {
        Objects.requireNonNull(request);
        long end = System.nanoTime() + deadline.toNanos();
        List<WorkerConnection> tried = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            WorkerConnection connection = router.pick(tried);
            if (connection == null) {
                throw new TransportException("no worker left to try: the directory lists "
                        + router.workers().size() + ", and each failed for this request", null);
            }
            try {
                return attempt(connection, request, listener);
            } catch (Resend resend) {
                if (resend.eject) {
                    router.failed(connection);
                }
                tried.add(connection);
                long pause = Math.min(2_000_000_000L, 50_000_000L << (long) Math.min(attempt, 5));
                pause = (long) (pause * (0.5 + random.nextDouble()));
                if (System.nanoTime() + pause - end >= 0 || router.pick(tried) == null) {
                    throw resend.failure;
                }
                try {
                    Thread.sleep(pause / 1_000_000, (int) (pause % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw resend.failure;
                }
            } catch (TransportException | IntegrityException e) {
                // Sent, so not resent; but the worker broke the exchange or lied, so others go first for a while.
                router.failed(connection);
                throw e;
            } catch (WorkerRejectedException e) {
                if (e.httpStatus() >= 500) {
                    router.failed(connection);
                }
                throw e;
            }
        }
    }

    /** One attempt on one worker: at most one re-signed promise after a sealed 402. */
    private VerifiedCompletion attempt(WorkerConnection connection, ChatRequest request, StreamListener listener) {
        VerifiedWorker worker;
        try {
            worker = connection.verifiedWorker();
        } catch (CocoonException e) {
            // Nothing about this request has been sent yet.
            throw new Resend(e, true);
        }
        String servedModel = worker.document().model().id();
        if (request.model() != null && !request.model().equals(servedModel)) {
            throw new Resend(new AttestationException(AttestationException.Reason.MODEL_NOT_ALLOWED,
                    "requested model " + request.model() + " but the worker attests " + servedModel), false);
        }
        WorkerHealth health = connection.health();
        Timed timed = new Timed(listener);
        health.started();
        try {
            VerifiedCompletion answer = paidAttempt(connection, worker, request, timed.listener());
            timed.succeeded(health, answer.completion().usage().completionTokens());
            return answer;
        } finally {
            health.ended();
        }
    }

    private VerifiedCompletion paidAttempt(WorkerConnection connection, VerifiedWorker worker, ChatRequest request,
                                           StreamListener listener) {
        if (payers.isEmpty()) {
            if (worker.document().payment() != null) {
                throw new PaymentException(PaymentException.Reason.PAYMENT_REQUIRED, "payment", "the worker takes"
                        + " payment; give the client a PaymentChannel", null, null);
            }
            return exchange(connection, worker, request, listener, null, null);
        }
        ChannelPayer.Session opened = null;
        PaymentException mismatch = null;
        for (ChannelPayer payer : payers) {
            try {
                opened = payer.open(worker, connection.workerClock());
                break;
            } catch (PaymentException e) {
                if (e.reason() != PaymentException.Reason.CHANNEL_MISMATCH) {
                    throw e;
                }
                mismatch = e;
            }
        }
        if (opened == null) {
            // This worker's operator is paid on none of our channels: another worker may be.
            throw new Resend(mismatch, false);
        }
        try (ChannelPayer.Session session = opened) {
            long maxCost;
            try {
                maxCost = Tariff.amount(worker.document().price(), Tariff.promptBound(request.messages()),
                        request.maxTokens());
            } catch (ArithmeticException e) {
                throw new PaymentException(PaymentException.Reason.OVER_CAP, "max_tokens",
                        "the request's maximum cost does not fit 63 bits", null, e);
            }
            SignedSemiChannel promise = session.promise(maxCost);
            try {
                return exchange(connection, worker, request, listener, session, promise);
            } catch (PaymentDemanded demanded) {
                session.refused(promise);
                promise = session.resign(demanded.demand);
                try {
                    return exchange(connection, worker, request, listener, session, promise);
                } catch (PaymentDemanded again) {
                    session.refused(promise);
                    throw new PaymentException(PaymentException.Reason.PAYMENT_REQUIRED, "required", "the worker"
                            + " still asks for " + again.demand.required() + " nanotons after a re-signed promise",
                            null, null);
                } catch (Resend resend) {
                    session.refused(promise);
                    throw resend;
                }
            } catch (Resend resend) {
                // Not processed, by proof: the promise it carried cannot be charged.
                session.refused(promise);
                throw resend;
            }
        }
    }

    private VerifiedCompletion exchange(WorkerConnection connection, VerifiedWorker worker, ChatRequest request,
                                        StreamListener listener, ChannelPayer.Session session,
                                        SignedSemiChannel promise) {
        Exchange exchange = prepare(connection, worker, request, listener != null, session, promise);
        return listener == null ? single(exchange) : streamed(exchange, listener);
    }

    private VerifiedCompletion single(Exchange exchange) {
        try (Response response = exchange.execute()) {
            byte[] sealed = WorkerConnection.readLimited(response.body(), MAX_RESPONSE_BYTES);
            SealedResponseBody body;
            try {
                body = ProtocolJson.read(exchange.open(sealed), SealedResponseBody.class);
            } catch (IOException e) {
                throw new IntegrityException(Reason.MALFORMED_RESPONSE, "response body: " + e.getMessage(), e);
            }
            return exchange.verified(body.completion(), body.result(), body.receipt(), body.earlierReceipts());
        } catch (IOException e) {
            throw exchange.connection.transportFailure("request", e);
        }
    }

    private VerifiedCompletion streamed(Exchange exchange, StreamListener listener) {
        try (Response response = exchange.execute(); InputStream in = response.body().byteStream()) {
            StreamOpener opener = exchange.sealed.openStream(in, MAX_CHUNK_BYTES);
            StringBuilder transcript = new StringBuilder();
            while (true) {
                StreamOpener.Chunk chunk = nextChunk(opener);
                StreamEvent event;
                try {
                    event = ProtocolJson.read(chunk.plaintext(), StreamEvent.class);
                } catch (IOException e) {
                    throw new IntegrityException(Reason.MALFORMED_RESPONSE, "stream event: " + e.getMessage(), e);
                }
                if (event instanceof StreamEvent.Failure failure) {
                    throw new WorkerRejectedException(response.code(), ErrorCode.fromWireName(failure.code()),
                            failure.message());
                }
                if (chunk.isFinal() != (event instanceof StreamEvent.Final)) {
                    throw new IntegrityException(Reason.MALFORMED_RESPONSE,
                            "the final chunk must carry exactly the final event");
                }
                if (event instanceof StreamEvent.Delta delta) {
                    transcript.append(delta.content());
                    listener.onDelta(delta.content());
                } else if (event instanceof StreamEvent.Final fin) {
                    ChatCompletion completion;
                    try {
                        completion = ChatCompletion.of(fin.id(), fin.created(), fin.model(), transcript.toString(),
                                fin.finishReason(), fin.usage());
                    } catch (IllegalArgumentException e) {
                        throw new IntegrityException(Reason.MALFORMED_RESPONSE, e.getMessage(), e);
                    }
                    return exchange.verified(completion, fin.result(), fin.receipt(), fin.earlierReceipts());
                }
            }
        } catch (IOException e) {
            throw exchange.connection.transportFailure("streamed request", e);
        }
    }

    private static StreamOpener.Chunk nextChunk(StreamOpener opener) throws IOException {
        try {
            return opener.next();
        } catch (SealingException e) {
            Reason reason = switch (e.reason()) {
                case TRUNCATED_STREAM -> Reason.STREAM_TRUNCATED;
                case DATA_AFTER_FINAL -> Reason.DATA_AFTER_FINAL;
                case CHUNK_TOO_LARGE -> Reason.CHUNK_TOO_LARGE;
                case DECRYPTION_FAILED -> Reason.CHUNK_AUTHENTICATION_FAILED;
                default -> Reason.MALFORMED_RESPONSE;
            };
            throw new IntegrityException(reason, e.getMessage(), e);
        }
    }

    private Exchange prepare(WorkerConnection connection, VerifiedWorker worker, ChatRequest request, boolean stream,
                             ChannelPayer.Session session, SignedSemiChannel promise) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String requestId = HexFormat.of().formatHex(id);
        PaymentPromise payment = null;
        if (session != null) {
            var params = session.parameters();
            payment = new PaymentPromise(params.channelId().toString(), params.clientKey(),
                    params.clientAddress().toString(), promise.toBoc(), session.receiptsAfter());
        }
        RequestEnvelope envelope = new RequestEnvelope(requestId, connection.workerClock().millis(),
                policy.maxPrice().orElse(worker.document().price()), payment);
        byte[] body = ProtocolJson.write(InferenceRequest.of(request, stream, envelope));
        SealedRequest.Encapsulation sealed = connection.encapsulation(worker);
        byte[] message = sealed.seal(body);
        if (session != null) {
            session.sending(promise, Digests.sha256(message), request.maxTokens());
        }
        return new Exchange(connection, worker, requestId, request.maxTokens(), sealed, message, stream,
                session, request.messages());
    }

    /** One request in flight: what was sent, to whom, and how to check the answer. */
    private final class Exchange {
        final WorkerConnection connection;
        final VerifiedWorker worker;
        final String requestId;
        final int maxTokens;
        final SealedRequest.Encapsulation sealed;
        final byte[] message;
        final boolean stream;
        final ChannelPayer.Session session;

        final List<network.cocoon.sdk.chat.ChatMessage> messages;

        Exchange(WorkerConnection connection, VerifiedWorker worker, String requestId, int maxTokens,
                 SealedRequest.Encapsulation sealed, byte[] message, boolean stream, ChannelPayer.Session session,
                 List<network.cocoon.sdk.chat.ChatMessage> messages) {
            this.messages = messages;
            this.connection = connection;
            this.worker = worker;
            this.requestId = requestId;
            this.maxTokens = maxTokens;
            this.sealed = sealed;
            this.message = message;
            this.stream = stream;
            this.session = session;
        }

        byte[] open(byte[] sealedResponse) {
            try {
                return sealed.openResponse(sealedResponse);
            } catch (SealingException e) {
                throw new IntegrityException(Reason.DECRYPTION_FAILED, e.getMessage(), e);
            }
        }

        Response execute() throws IOException {
            String accept = stream ? STREAM_MEDIA_TYPE : RESPONSE_MEDIA_TYPE;
            SendMark mark = new SendMark();
            Request.Builder builder = new Request.Builder().url(connection.sealedUrl())
                    .header("Accept", accept)
                    .tag(SendMark.class, mark)
                    .post(RequestBody.create(message, SEALED_REQUEST));
            int powBits = worker.document().powBits();
            if (powBits > 0) {
                builder.header(ProofOfWork.HEADER, ProofOfWork.solve(message, powBits));
            }
            Request httpRequest = builder.build();
            Response response;
            try {
                response = http.newCall(httpRequest).execute();
            } catch (IOException e) {
                if (!mark.sent) {
                    // No connection was made: the worker never saw a byte of this request.
                    throw new Resend(connection.transportFailure("request", e), true);
                }
                throw e;
            }
            try {
                if (response.code() == 402 && session != null
                        && response.header("Content-Type", "").startsWith(RESPONSE_MEDIA_TYPE)) {
                    throw demand(response);
                }
                if (response.code() != 200) {
                    WorkerConnection.Rejection refused = WorkerConnection.refusal(response);
                    WorkerRejectedException rejection = refused.exception();
                    if ((response.code() == 503 || response.code() == 429) && refused.refusal() != null
                            && refused.refusal().verifies(worker.signingKey(), message, rejection.code())) {
                        throw new Resend(rejection, true);
                    }
                    if (rejection.code() == ErrorCode.UNKNOWN_KEY_ID) {
                        // The worker restarted with new keys: the next request must attest again.
                        connection.invalidate(worker);
                    }
                    throw rejection;
                }
                String type = response.header("Content-Type", "");
                if (!type.startsWith(accept)) {
                    throw new IntegrityException(Reason.MALFORMED_RESPONSE, "unexpected content type " + type);
                }
                return response;
            } catch (RuntimeException | IOException e) {
                response.close();
                throw e;
            }
        }

        /** Only a 402 sealed to this request's response key makes the SDK sign more; a clear one is a refusal. */
        private PaymentDemanded demand(Response response) throws IOException {
            byte[] plaintext = open(WorkerConnection.readLimited(response.body(), 64 * 1024));
            WorkerError error;
            try {
                error = ProtocolJson.read(plaintext, WorkerError.class);
            } catch (IOException e) {
                throw new IntegrityException(Reason.MALFORMED_RESPONSE, "payment demand: " + e.getMessage(), e);
            }
            if (error.error() == null || error.error().payment() == null
                    || ErrorCode.fromWireName(error.error().code()) != ErrorCode.PAYMENT_REQUIRED) {
                throw new IntegrityException(Reason.MALFORMED_RESPONSE, "a sealed 402 must carry a payment demand");
            }
            return new PaymentDemanded(error.error().payment());
        }

        VerifiedCompletion verified(ChatCompletion completion, SignedResult result, byte[] receiptBoc,
                                    List<byte[]> earlierReceiptBocs) {
            SignedReceipt receipt = null;
            String receiptHash = ResultStatement.NO_RECEIPT;
            if (session != null) {
                if (receiptBoc == null) {
                    throw new PaymentException(PaymentException.Reason.MALFORMED_RECEIPT, "receipt",
                            "a paid request was answered without a receipt", null, null);
                }
                receipt = SignedReceipt.fromBoc(receiptBoc);
                receiptHash = receipt.receipt().hashHex();
            } else if (receiptBoc != null || earlierReceiptBocs != null) {
                throw new IntegrityException(Reason.MALFORMED_RESPONSE, "a receipt came back for an unpaid request");
            }
            var statement = ResultVerifier.verify(worker, message, requestId, maxTokens, completion, result,
                    receiptHash);
            Optional<Payment> payment = session == null ? Optional.empty()
                    : Optional.of(session.accept(receipt, statement, earlierReceipts(earlierReceiptBocs), messages,
                            completion));
            var document = worker.document();
            return new VerifiedCompletion(completion, new Verification(connection.endpoint(), document.platform(),
                    worker.claims().secure(), worker.claims().measurements(), document.model(), document.price(),
                    HexFormat.of().formatHex(document.signingKey()), statement.requestHash(),
                    worker.trustedUntil()), payment);
        }
    }

    private static List<SignedReceipt> earlierReceipts(List<byte[]> bocs) {
        if (bocs == null) {
            return List.of();
        }
        if (bocs.size() > ChannelRecord.MAX_PENDING) {
            throw new PaymentException(PaymentException.Reason.MALFORMED_RECEIPT, "earlier_receipts", "more earlier"
                    + " receipts than requests can be pending", null, null);
        }
        List<SignedReceipt> out = new ArrayList<>();
        for (byte[] boc : bocs) {
            try {
                out.add(SignedReceipt.fromBoc(boc));
            } catch (PaymentException e) {
                throw new PaymentException(PaymentException.Reason.MALFORMED_RECEIPT, "earlier_receipts",
                        e.getMessage(), null, e);
            }
        }
        return out;
    }

    /** Set once a connection is up and the request is about to be written. */
    private static final class SendMark {
        volatile boolean sent;
    }

    /** A failure that proves the worker did not process the request: {@link #send} may try another worker. */
    private static final class Resend extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient CocoonException failure;
        final boolean eject;

        Resend(CocoonException failure, boolean eject) {
            super("resend", null, false, false);
            this.failure = failure;
            this.eject = eject;
        }
    }

    /** Times one attempt for the router: to the first token (or the whole answer) and per token after it. */
    private static final class Timed {
        private final StreamListener inner;
        private final long start = System.nanoTime();
        private long first;

        Timed(StreamListener inner) {
            this.inner = inner;
        }

        StreamListener listener() {
            return inner == null ? null : delta -> {
                if (first == 0) {
                    first = System.nanoTime();
                }
                inner.onDelta(delta);
            };
        }

        void succeeded(WorkerHealth health, long completionTokens) {
            long now = System.nanoTime();
            if (first == 0) {
                health.succeeded(now - start, Double.NaN);
            } else {
                health.succeeded(first - start, completionTokens > 1
                        ? (double) (now - first) / (completionTokens - 1) : Double.NaN);
            }
        }
    }

    /** A sealed 402 from the worker: unwinds to {@link #send}, which re-signs once. */
    private static final class PaymentDemanded extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient PaymentDemand demand;

        PaymentDemanded(PaymentDemand demand) {
            super("payment demanded", null, false, false);
            this.demand = demand;
        }
    }

    /** Builds a {@link CocoonClient}. */
    public static final class Builder {
        private final List<URI> endpoints = new ArrayList<>();
        private WorkerDirectory directory;
        private Duration deadline;
        private AttestationPolicy policy;
        private OkHttpClient httpClient;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(2);
        private final List<PaymentChannel> payments = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds a worker endpoint ({@code http(s)://host:port}); requests are routed over the endpoints given.
         * Exclusive with {@link #directory}.
         */
        public Builder endpoint(URI endpoint) {
            String scheme = Objects.requireNonNull(endpoint).getScheme();
            if (!"http".equals(scheme) && !"https".equals(scheme)) {
                throw new IllegalArgumentException("endpoint must be http or https: " + endpoint);
            }
            endpoints.add(endpoint);
            return this;
        }

        /**
         * Where workers come from, instead of fixed endpoints: for example a
         * {@link network.cocoon.sdk.routing.SignedWorkerDirectory}. Its entries are hints; each worker must pass
         * the policy.
         */
        public Builder directory(WorkerDirectory workerDirectory) {
            this.directory = Objects.requireNonNull(workerDirectory);
            return this;
        }

        /**
         * The most a request may take across every worker it is tried on (default: the request timeout). A
         * request is tried on another worker only when the first provably did not process it.
         */
        public Builder deadline(Duration total) {
            this.deadline = positive(total);
            return this;
        }

        /** The attestation policy every worker must satisfy (required). */
        public Builder policy(AttestationPolicy policy) {
            this.policy = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * An OkHttp client to share connection pools, proxies or interceptors with. The SDK derives its own
         * client from it with its timeouts, no automatic retries and no redirects. Give its connection pool a
         * keep-alive shorter than the workers' idle close (10 s for the reference worker; the SDK's own pool keeps
         * 5 s): a request sent on a connection the worker is closing fails, and is not resent.
         */
        public Builder httpClient(OkHttpClient client) {
            this.httpClient = Objects.requireNonNull(client);
            return this;
        }

        /** Time to open a connection (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout);
            return this;
        }

        /** Time for a whole request, a streamed one included (default 2 min). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout);
            return this;
        }

        /**
         * Pays requests on this channel: the SDK signs a promise per request, verifies each receipt and keeps the
         * channel's record in the channel's store. Call it once per funded channel (a channel is to one operator):
         * each worker is paid on the first channel whose terms match its operator's, and a worker matching none
         * is skipped. Without any, the client only talks to workers that take no payment.
         */
        public Builder payment(PaymentChannel channel) {
            this.payments.add(Objects.requireNonNull(channel));
            return this;
        }

        /** Builds the client. */
        public CocoonClient build() {
            if (endpoints.isEmpty() == (directory == null)) {
                throw new IllegalStateException("give worker endpoints or a directory, one of the two");
            }
            if (policy == null) {
                throw new IllegalStateException("an attestation policy is required");
            }
            return new CocoonClient(this);
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeout must be positive");
            }
            return d;
        }
    }
}
