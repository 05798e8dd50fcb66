package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: requests in flight finish verified, new ones are refused (signed), readiness says so. */
class DrainTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> get(URI endpoint, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(endpoint.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void drainingFinishesWhatIsInFlightAndRefusesTheRest() throws Exception {
        java.util.concurrent.CountDownLatch generating = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        FixedAnswerEngine slow = new FixedAnswerEngine("42") {
            @Override
            public Generation generate(GenerationRequest request, TokenSink sink) {
                generating.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.generate(request, sink);
            }
        };
        try (LocalWorker worker = new LocalWorker(slow); CocoonClient first = worker.client();
             CocoonClient second = worker.client()) {
            URI endpoint = worker.server.endpoint();
            assertEquals("{\"status\":\"ready\"}", get(endpoint, "/readyz").body());
            second.verifyWorker();
            ChatRequest ask = ChatRequest.builder().user("1+1").maxTokens(4).build();
            // Own threads: the common pool has a single thread on a 2-core machine.
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
            CompletableFuture<VerifiedCompletion> inFlight = CompletableFuture.supplyAsync(() -> first.chat(ask),
                    threads);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            assertTrue(generating.await(20, java.util.concurrent.TimeUnit.SECONDS), "the request never arrived");
            assertEquals(1, worker.server.inFlight());
            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                    () -> worker.server.drain(Duration.ofSeconds(20)), threads);
            HttpResponse<String> r;
            while ((r = get(endpoint, "/readyz")).statusCode() != 503) {
                assertTrue(System.nanoTime() < deadline, "never reported draining");
                Thread.sleep(5);
            }
            assertEquals("{\"status\":\"draining\"}", r.body());
            WorkerRejectedException refused = assertThrows(WorkerRejectedException.class, () -> second.chat(ask));
            assertEquals(ErrorCode.BUSY, refused.code());
            assertEquals(java.util.Optional.of(Duration.ofSeconds(1)), refused.retryAfter());
            release.countDown();
            assertEquals("42", inFlight.get().content(), "the request in flight finished, verified");
            assertTrue(drained.get(), "drained within the grace period");
            assertEquals(1, slow.calls.get(), "the refused request was never generated");
            threads.shutdown();
        }
    }
}
