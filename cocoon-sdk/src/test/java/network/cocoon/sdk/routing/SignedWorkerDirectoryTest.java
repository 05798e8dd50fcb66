package network.cocoon.sdk.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The signed directory: what verifies is served; each field tampered, the key swapped, and stale lists fail. */
class SignedWorkerDirectoryTest {
    static final long NOW = 1_795_600_000L;
    static final List<URI> WORKERS = List.of(URI.create("https://w1.example"), URI.create("http://10.0.0.2:8080"));
    final Ed25519KeyPair key = Ed25519KeyPair.generate();
    final ObjectMapper json = new ObjectMapper();
    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    ObjectNode document(Ed25519KeyPair signer, long issuedAt, long expiresAt, List<URI> workers) {
        ObjectNode doc = json.createObjectNode();
        doc.put("version", SignedWorkerDirectory.VERSION);
        doc.put("issued_at", issuedAt);
        doc.put("expires_at", expiresAt);
        var list = doc.putArray("workers");
        workers.forEach(w -> list.add(w.toString()));
        doc.put("signature", HexFormat.of().formatHex(signer.sign(
                SignedWorkerDirectory.signedBytes(issuedAt, expiresAt, workers))));
        return doc;
    }

    SignedWorkerDirectory directory(long now, Duration refresh) {
        return directory(Clock.fixed(Instant.ofEpochSecond(now), ZoneOffset.UTC), refresh);
    }

    SignedWorkerDirectory directory(Clock clock, Duration refresh) {
        return SignedWorkerDirectory.builder().url(URI.create(server.url("/workers.json").toString()))
                .pinnedKey(key.publicKey()).httpClient(new OkHttpClient()).refresh(refresh)
                .clock(clock, Duration.ofMinutes(2)).build();
    }

    /** A clock the test moves. */
    static final class SteppedClock extends Clock {
        long seconds;

        SteppedClock(long seconds) {
            this.seconds = seconds;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds);
        }
    }

    void serve(ObjectNode doc) {
        server.enqueue(new MockResponse().setBody(doc.toString()));
    }

    String refusal(ObjectNode doc) {
        serve(doc);
        return assertThrows(DirectoryException.class, () -> directory(NOW, Duration.ofMinutes(5)).endpoints())
                .getMessage();
    }

    @Test
    void aSignedCurrentListIsServedAndKeptUntilTheRefresh() {
        serve(document(key, NOW - 60, NOW + 3600, WORKERS));
        SignedWorkerDirectory directory = directory(NOW, Duration.ofMinutes(5));
        assertEquals(WORKERS, directory.endpoints());
        assertEquals(WORKERS, directory.endpoints());
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void eachSignedFieldTamperedIsRefused() {
        ObjectNode doc = document(key, NOW - 60, NOW + 3600, WORKERS);
        String bad = "field 'signature' does not verify under the pinned directory key";
        assertEquals(bad, refusal(doc.deepCopy().put("issued_at", NOW - 61)));
        assertEquals(bad, refusal(doc.deepCopy().put("expires_at", NOW + 7200)));
        ObjectNode added = doc.deepCopy();
        added.withArray("workers").add("https://evil.example");
        assertEquals(bad, refusal(added));
        ObjectNode swapped = doc.deepCopy();
        swapped.withArray("workers").set(0, json.getNodeFactory().textNode("https://evil.example"));
        assertEquals(bad, refusal(swapped));
        ObjectNode dropped = doc.deepCopy();
        dropped.withArray("workers").remove(1);
        assertEquals(bad, refusal(dropped));
    }

    @Test
    void anotherKeysSignatureIsRefused() {
        assertEquals("field 'signature' does not verify under the pinned directory key",
                refusal(document(Ed25519KeyPair.generate(), NOW - 60, NOW + 3600, WORKERS)));
    }

    @Test
    void expiredFutureAndMalformedListsAreRefusedByField() {
        assertEquals("field 'expires_at' has passed", refusal(document(key, NOW - 7200, NOW - 1, WORKERS)));
        assertEquals("field 'issued_at' is in the future", refusal(document(key, NOW + 600, NOW + 3600, WORKERS)));
        assertEquals("field 'workers' lists an endpoint twice", refusal(document(key, NOW - 60, NOW + 3600,
                List.of(WORKERS.get(0), WORKERS.get(0)))));
        assertEquals("field 'workers[0]' must be an http or https URL", refusal(document(key, NOW - 60,
                NOW + 3600, List.of(URI.create("file:///etc/passwd")))));
        assertEquals("the directory has a field that is not part of cocoon-directory/v1",
                refusal(document(key, NOW - 60, NOW + 3600, WORKERS).put("extra", 1)));
        assertEquals("field 'version' must be cocoon-directory/v1",
                refusal(document(key, NOW - 60, NOW + 3600, WORKERS).put("version", "cocoon-directory/v2")));
    }

    @Test
    void anOlderListDoesNotReplaceANewerOneAndTheNewerOneIsKept() {
        serve(document(key, NOW - 60, NOW + 3600, WORKERS));
        serve(document(key, NOW - 600, NOW + 3600, List.of(URI.create("https://old.example"))));
        SteppedClock clock = new SteppedClock(NOW);
        SignedWorkerDirectory directory = directory(clock, Duration.ofSeconds(30));
        assertEquals(WORKERS, directory.endpoints());
        clock.seconds += 31;
        // The refresh fetches the older list: refused as a rollback, the newer one stays in use.
        assertEquals(WORKERS, directory.endpoints());
        assertEquals(2, server.getRequestCount());
        // Past its expiry, a list is no longer served, whatever the directory host does.
        clock.seconds = NOW + 3600;
        server.enqueue(new MockResponse().setResponseCode(500));
        assertEquals("the directory at " + server.url("/workers.json") + " answered HTTP 500",
                assertThrows(DirectoryException.class, directory::endpoints).getMessage());
    }
}
