package network.cocoon.sdk.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import network.cocoon.sdk.crypto.Ed25519;
import network.cocoon.sdk.protocol.CanonicalEncoder;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A worker list served as JSON over HTTP and signed by a directory key the user pins, so that whoever hosts the
 * file cannot add workers (they would still have to pass attestation, but could then receive prompts sealed to
 * their own attested keys if the policy allowed them):
 *
 * <pre>{@code
 * {"version": "cocoon-directory/v1", "issued_at": 1795600000, "expires_at": 1795686400,
 *  "workers": ["https://w1.example", "https://w2.example"], "signature": "<Ed25519, hex>"}
 * }</pre>
 *
 * The signature covers {@link #signedBytes} (label {@code "cocoon/v1 directory"}, then the fields in order);
 * {@code docs/protocol.md} §11 gives the layout. A document is refused when its signature does not verify under
 * the pinned key, when it has expired, when it was issued in the future, or when it is older than the last
 * one accepted (no rollback). The last good list is served between refreshes and until it expires.
 */
public final class SignedWorkerDirectory implements WorkerDirectory {
    /** The document version this class reads. */
    public static final String VERSION = "cocoon-directory/v1";
    /** The domain label of the signed bytes. */
    public static final String LABEL = "cocoon/v1 directory";
    static final int MAX_BYTES = 1 << 20;
    static final int MAX_WORKERS = 10_000;

    private final HttpUrl url;
    private final byte[] key;
    private final OkHttpClient http;
    private final Duration refresh;
    private final Duration skew;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private Accepted accepted;
    private Instant nextFetch = Instant.MIN;

    private record Accepted(long issuedAt, long expiresAt, List<URI> workers) {
    }

    private SignedWorkerDirectory(Builder b) {
        this.url = b.url;
        this.key = b.key.clone();
        this.http = b.http;
        this.refresh = b.refresh;
        this.skew = b.skew;
        this.clock = b.clock;
    }

    /** A builder; the URL, the pinned key and an OkHttp client are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The bytes the directory key signs.
     *
     * @param issuedAt seconds since the epoch
     * @param expiresAt seconds since the epoch
     * @param workers the endpoints, in the document's order
     * @return {@code text(LABEL) || text(version) || int64(issued_at) || int64(expires_at) ||
     *     int64(count) || text(endpoint)...}
     */
    public static byte[] signedBytes(long issuedAt, long expiresAt, List<URI> workers) {
        CanonicalEncoder encoder = CanonicalEncoder.labelled(LABEL).text(VERSION).int64(issuedAt).int64(expiresAt)
                .int64(workers.size());
        for (URI worker : workers) {
            encoder.text(worker.toString());
        }
        return encoder.toByteArray();
    }

    /**
     * The verified list: fetched again when the refresh interval has passed, else the last accepted one.
     *
     * @throws DirectoryException when no verified, unexpired list is at hand
     */
    @Override
    public synchronized List<URI> endpoints() {
        Instant now = clock.instant();
        DirectoryException failure = null;
        if (accepted == null || !now.isBefore(nextFetch)) {
            try {
                accepted = verify(fetch(), now);
            } catch (DirectoryException e) {
                failure = e;
            }
            // A failed fetch is retried at the next refresh, not on every request.
            nextFetch = now.plus(refresh);
        }
        if (accepted == null || !now.isBefore(Instant.ofEpochSecond(accepted.expiresAt()))) {
            throw failure != null ? failure : new DirectoryException("the directory at " + url
                    + " has expired and no newer one verified", null);
        }
        return accepted.workers();
    }

    private byte[] fetch() {
        try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
            if (response.code() != 200 || response.body() == null) {
                throw new DirectoryException("the directory at " + url + " answered HTTP " + response.code(), null);
            }
            byte[] body = response.body().byteStream().readNBytes(MAX_BYTES + 1);
            if (body.length > MAX_BYTES) {
                throw new DirectoryException("the directory is larger than " + MAX_BYTES + " bytes", null);
            }
            return body;
        } catch (IOException e) {
            throw new DirectoryException("the directory at " + url + " could not be fetched", e);
        }
    }

    private Accepted verify(byte[] body, Instant now) {
        JsonNode doc;
        try {
            doc = json.readTree(body);
        } catch (IOException e) {
            throw new DirectoryException("the directory is not JSON", e);
        }
        if (doc == null || !doc.isObject()) {
            throw new DirectoryException("the directory must be a JSON object", null);
        }
        Set<String> known = Set.of("version", "issued_at", "expires_at", "workers", "signature");
        for (var names = doc.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                // Not named: the document is the directory server's text, which has no place in our logs.
                throw new DirectoryException("the directory has a field that is not part of " + VERSION, null);
            }
        }
        if (!VERSION.equals(doc.path("version").asText(null))) {
            throw new DirectoryException("field 'version' must be " + VERSION, null);
        }
        long issuedAt = seconds(doc, "issued_at");
        long expiresAt = seconds(doc, "expires_at");
        JsonNode list = doc.get("workers");
        if (list == null || !list.isArray() || list.size() > MAX_WORKERS) {
            throw new DirectoryException("field 'workers' must be an array of at most " + MAX_WORKERS
                    + " endpoints", null);
        }
        List<URI> workers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            workers.add(endpoint(list.get(i), "workers[" + i + "]"));
        }
        if (new LinkedHashSet<>(workers).size() != workers.size()) {
            throw new DirectoryException("field 'workers' lists an endpoint twice", null);
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(doc.path("signature").asText(""));
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("field 'signature' must be hex", null);
        }
        if (!Ed25519.verify(key, signedBytes(issuedAt, expiresAt, workers), signature)) {
            throw new DirectoryException("field 'signature' does not verify under the pinned directory key", null);
        }
        if (expiresAt <= issuedAt) {
            throw new DirectoryException("field 'expires_at' must be after 'issued_at'", null);
        }
        if (Instant.ofEpochSecond(issuedAt).isAfter(now.plus(skew))) {
            throw new DirectoryException("field 'issued_at' is in the future", null);
        }
        if (!now.isBefore(Instant.ofEpochSecond(expiresAt))) {
            throw new DirectoryException("field 'expires_at' has passed", null);
        }
        if (accepted != null && issuedAt < accepted.issuedAt()) {
            throw new DirectoryException("field 'issued_at' is older than the directory already accepted", null);
        }
        return new Accepted(issuedAt, expiresAt, List.copyOf(workers));
    }

    private static long seconds(JsonNode doc, String field) {
        JsonNode value = doc.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw new DirectoryException("field '" + field + "' must be seconds since the epoch", null);
        }
        return value.longValue();
    }

    private static URI endpoint(JsonNode value, String field) {
        if (!value.isTextual()) {
            throw new DirectoryException("field '" + field + "' must be a URL", null);
        }
        URI uri;
        try {
            uri = URI.create(value.textValue());
        } catch (IllegalArgumentException e) {
            throw new DirectoryException("field '" + field + "' is not a URL", null);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new DirectoryException("field '" + field + "' must be an http or https URL", null);
        }
        return uri;
    }

    /** Builds a {@link SignedWorkerDirectory}. */
    public static final class Builder {
        private HttpUrl url;
        private byte[] key;
        private OkHttpClient http;
        private Duration refresh = Duration.ofMinutes(5);
        private Duration skew = Duration.ofMinutes(2);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * Where the document is served.
         *
         * @param url an http or https URL
         * @return this builder
         */
        public Builder url(URI url) {
            HttpUrl parsed = HttpUrl.parse(url.toString());
            if (parsed == null) {
                throw new IllegalArgumentException("the directory URL must be http or https");
            }
            this.url = parsed;
            return this;
        }

        /**
         * The directory's Ed25519 public key, pinned by the user.
         *
         * @param publicKey 32 bytes
         * @return this builder
         */
        public Builder pinnedKey(byte[] publicKey) {
            if (publicKey.length != Ed25519.PUBLIC_KEY_LENGTH) {
                throw new IllegalArgumentException("the directory key is a 32-byte Ed25519 public key");
            }
            this.key = publicKey.clone();
            return this;
        }

        /**
         * The OkHttp client that fetches the document (its timeouts apply).
         *
         * @param client the client
         * @return this builder
         */
        public Builder httpClient(OkHttpClient client) {
            this.http = Objects.requireNonNull(client);
            return this;
        }

        /**
         * How often the document is fetched again (default 5 min).
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder refresh(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("the refresh interval must be positive");
            }
            this.refresh = interval;
            return this;
        }

        /**
         * The clock, and the skew tolerated on {@code issued_at} (default 2 min).
         *
         * @param clock the clock
         * @param skew how far in the future {@code issued_at} may lie
         * @return this builder
         */
        public Builder clock(Clock clock, Duration skew) {
            this.clock = Objects.requireNonNull(clock);
            this.skew = Objects.requireNonNull(skew);
            return this;
        }

        /**
         * Builds the directory; nothing is fetched until the first {@link #endpoints()}.
         *
         * @return the directory
         */
        public SignedWorkerDirectory build() {
            if (url == null || key == null || http == null) {
                throw new IllegalStateException("a URL, a pinned key and an OkHttp client are required");
            }
            return new SignedWorkerDirectory(this);
        }
    }
}
