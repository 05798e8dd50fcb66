package network.cocoon.sdk.routing;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.fuzz.Invariants;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * A signed worker directory as its URL serves it: {@link SignedWorkerDirectory#endpoints} returns the endpoints
 * or ends in a {@link DirectoryException}, whose message names fields but never quotes the document. The body is
 * served by an interceptor, so no socket is involved. Seeds: a directory signed by the pinned key, and variants.
 */
class SignedDirectoryFuzzTest {
    static final Ed25519KeyPair KEY = Ed25519KeyPair.fromSeed(new byte[32]);
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(1_795_600_100L), ZoneOffset.UTC);

    @org.junit.jupiter.api.Test
    void theSeedIsAcceptedAsIs() throws Exception {
        byte[] seed = getClass().getResourceAsStream("SignedDirectoryFuzzTestInputs/anyDirectoryIsAcceptedOrRefused/"
                + "signed").readAllBytes();
        org.junit.jupiter.api.Assertions.assertEquals(2, directory(seed).endpoints().size());
    }

    @FuzzTest(maxDuration = "10s")
    void anyDirectoryIsAcceptedOrRefused(byte[] body) throws Exception {
        Invariants.refusesOnly(body, DirectoryException.class, b -> directory(b).endpoints());
    }

    static SignedWorkerDirectory directory(byte[] body) {
        OkHttpClient served = new OkHttpClient.Builder().addInterceptor(chain -> new Response.Builder()
                .request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
                .body(ResponseBody.create(body, MediaType.get("application/json"))).build()).build();
        return SignedWorkerDirectory.builder().url(URI.create("http://directory.invalid/workers.json"))
                .pinnedKey(KEY.publicKey()).httpClient(served).clock(CLOCK, Duration.ofMinutes(2)).build();
    }
}
