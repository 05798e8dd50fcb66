package network.cocoon.sdk;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HexFormat;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.Refusal;
import network.cocoon.sdk.protocol.WorkerError;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * One worker endpoint: fetches and verifies its attestation with a fresh nonce, and keeps the verified
 * result until the policy stops trusting it.
 */
final class WorkerConnection {
    static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    private final URI endpoint;
    private final HttpUrl base;
    /** Built once: every request goes there. */
    private final HttpUrl sealed;
    private final OkHttpClient http;
    private final AttestationVerifier verifier;
    private final AttestationPolicy policy;
    private final SecureRandom random;
    private volatile VerifiedWorker cached;
    /** The worker's clock minus this client's, in milliseconds, from the last attestation fetched. */
    private volatile long clockOffsetMillis;
    private final WorkerHealth health = new WorkerHealth();

    /** Refreshes run in the background on this; {@code null} means only on demand. */
    private final java.util.concurrent.Executor refresher;
    private final java.util.concurrent.atomic.AtomicBoolean refreshing = new java.util.concurrent.atomic.AtomicBoolean();
    private final EncapsulationSupply encapsulations;

    WorkerConnection(URI endpoint, OkHttpClient http, AttestationPolicy policy, SecureRandom random) {
        this(endpoint, http, policy, random, null);
    }

    WorkerConnection(URI endpoint, OkHttpClient http, AttestationPolicy policy, SecureRandom random,
                     java.util.concurrent.Executor refresher) {
        this.refresher = refresher;
        this.encapsulations = new EncapsulationSupply(refresher);
        this.endpoint = endpoint;
        this.base = HttpUrl.get(endpoint.toString());
        this.sealed = url("/v1/sealed");
        this.http = http;
        this.policy = policy;
        this.verifier = new AttestationVerifier(policy);
        this.random = random;
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * The worker's clock as this client estimates it: the policy's clock, shifted by how far the worker's
     * signed {@code issued_at} in its last nonce-fresh attestation was from the middle of that fetch (to within
     * a second and half the round trip). Requests are timestamped on it, so that the worker's replay window holds
     * whichever side's clock is off; how far off it may be is bounded by the attestation checks themselves
     * ({@link AttestationPolicy#clockSkew()} ahead, the document's expiry behind).
     */
    java.time.Clock workerClock() {
        return java.time.Clock.offset(policy.clock(), java.time.Duration.ofMillis(clockOffsetMillis));
    }

    /** What the client has seen of this worker, for routing. */
    WorkerHealth health() {
        return health;
    }

    /** The cached verification, without fetching; {@code null} when there is none yet. */
    VerifiedWorker cachedVerification() {
        return cached;
    }

    HttpUrl url(String path) {
        return base.newBuilder().encodedPath(path).build();
    }

    /** An encapsulation to the worker's attested key for one request, made ahead where one is ready. */
    network.cocoon.sdk.crypto.SealedRequest.Encapsulation encapsulation(VerifiedWorker worker) {
        return encapsulations.take(worker.keyConfig(), worker.suite());
    }

    /** Where sealed requests are posted. */
    HttpUrl sealedUrl() {
        return sealed;
    }

    /**
     * The verified worker, from the cache while it is still trusted. In the last fifth of the cached document's
     * trust (at most its last minute), one background refresh starts, so that requests do not wait for it.
     */
    VerifiedWorker verifiedWorker() {
        VerifiedWorker current = cached;
        java.time.Instant now = policy.clock().instant();
        if (current != null && now.isBefore(current.trustedUntil())) {
            refreshAheadOf(current, now);
            return current;
        }
        synchronized (this) {
            current = cached;
            if (current != null && policy.clock().instant().isBefore(current.trustedUntil())) {
                return current;
            }
            cached = fetchAndVerify();
            return cached;
        }
    }

    private void refreshAheadOf(VerifiedWorker current, java.time.Instant now) {
        if (refresher == null) {
            return;
        }
        java.time.Duration trust = java.time.Duration.between(current.document().issuedAt() > 0
                ? java.time.Instant.ofEpochSecond(current.document().issuedAt()) : now, current.trustedUntil());
        java.time.Duration margin = trust.dividedBy(5);
        if (margin.compareTo(java.time.Duration.ofMinutes(1)) > 0) {
            margin = java.time.Duration.ofMinutes(1);
        }
        if (now.isBefore(current.trustedUntil().minus(margin)) || !refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            refresher.execute(() -> {
                try {
                    VerifiedWorker fresh = fetchAndVerify();
                    synchronized (this) {
                        if (cached == current) {
                            cached = fresh;
                        }
                    }
                } catch (RuntimeException e) {
                    // The cached document serves until it expires; then a request fetches and reports the failure.
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            refreshing.set(false);
        }
    }

    /** Drops the cached attestation, e.g. after the worker said it no longer holds the key. */
    void invalidate(VerifiedWorker stale) {
        synchronized (this) {
            if (cached == stale) {
                cached = null;
            }
        }
    }

    private VerifiedWorker fetchAndVerify() {
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        HttpUrl url = url("/v1/attestation").newBuilder()
                .addQueryParameter("nonce", HexFormat.of().formatHex(nonce)).build();
        byte[] body;
        long sentAt = policy.clock().millis();
        long receivedAt;
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (response.code() != 200) {
                throw rejection(response);
            }
            body = readLimited(response.body(), MAX_DOCUMENT_BYTES);
            receivedAt = policy.clock().millis();
        } catch (IOException e) {
            throw transportFailure("attestation fetch", e);
        }
        AttestationDocument document;
        try {
            document = ProtocolJson.read(body, AttestationDocument.class);
        } catch (IOException e) {
            throw new AttestationException(AttestationException.Reason.MALFORMED_DOCUMENT,
                    "attestation document does not parse: " + e.getMessage(), e);
        }
        VerifiedWorker verified = verifier.verify(document, nonce);
        // issued_at is whole seconds: the worker's clock read somewhere in [issued_at, issued_at + 1 s).
        clockOffsetMillis = document.issuedAt() > 0 ? document.issuedAt() * 1000 + 500 - (sentAt + receivedAt) / 2 : 0;
        return verified;
    }

    TransportException transportFailure(String what, IOException e) {
        String kind = e instanceof InterruptedIOException ? " timed out" : " failed";
        return new TransportException(what + " to " + endpoint + kind + ": " + e.getMessage(), e);
    }

    static WorkerRejectedException rejection(Response response) throws IOException {
        return refusal(response).exception();
    }

    /**
     * A refused request: the typed exception, and the worker's signed refusal when the body carried one.
     *
     * @param exception what the caller is told
     * @param refusal the signed statement, unverified, or {@code null}
     */
    record Rejection(WorkerRejectedException exception, Refusal refusal) {
    }

    static Rejection refusal(Response response) throws IOException {
        ErrorCode code = ErrorCode.UNKNOWN;
        String message = "HTTP " + response.code();
        Refusal refusal = null;
        try {
            WorkerError error = ProtocolJson.read(readLimited(response.body(), 64 * 1024), WorkerError.class);
            if (error.error() != null) {
                code = ErrorCode.fromWireName(error.error().code());
                message = String.valueOf(error.error().message());
                refusal = error.error().refusal();
            }
        } catch (IOException e) {
            // An error page that is not ours: the status alone is what we know.
        }
        return new Rejection(new WorkerRejectedException(response.code(), code, message,
                response.header("Retry-After")), refusal);
    }

    static byte[] readLimited(ResponseBody body, int limit) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        byte[] bytes = body.byteStream().readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw new IOException("response larger than " + limit + " bytes");
        }
        return bytes;
    }
}
