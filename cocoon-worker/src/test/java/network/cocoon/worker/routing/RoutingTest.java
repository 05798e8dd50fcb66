package network.cocoon.worker.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.TransportException;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.worker.inference.EngineBusyException;
import network.cocoon.worker.inference.FinishReason;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.InferenceEngine;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.server.ServerSettings;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import network.cocoon.worker.testing.PaidWorker;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's routing against several real workers on loopback: load spreads over equal workers and away from a
 * slow one; a dead worker, one with evidence the policy refuses and a busy one (which signs its refusal) are
 * skipped and the request completes elsewhere; a worker that stalls after receiving a request is not resent
 * from, so nothing is charged twice.
 */
class RoutingTest {
    private final Ed25519KeyPair devRoot = Ed25519KeyPair.generate();

    @TempDir
    Path dir;

    private LocalWorker worker(InferenceEngine engine) throws Exception {
        return new LocalWorker(engine, ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)), devRoot);
    }

    private CocoonClient client(List<LocalWorker> workers, Duration timeout) {
        CocoonClient.Builder b = CocoonClient.builder().policy(AttestationPolicy.builder()
                .allowInsecureDevelopmentEvidence(devRoot.publicKey()).build()).httpClient(new OkHttpClient())
                .requestTimeout(timeout);
        workers.forEach(w -> b.endpoint(w.server.endpoint()));
        return b.build();
    }

    private static ChatRequest ask() {
        return ChatRequest.builder().user("1+1").maxTokens(4).build();
    }

    /** Sends {@code n} requests from {@code threads} threads and returns the answers. */
    private static List<VerifiedCompletion> load(CocoonClient client, int threads, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<VerifiedCompletion>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> client.chat(ask())));
            }
            List<VerifiedCompletion> answers = new ArrayList<>();
            for (Future<VerifiedCompletion> f : futures) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void loadSpreadsOverEqualWorkersWithinTwentyPercent() throws Exception {
        List<FixedAnswerEngine> engines = List.of(new SlowEngine(5), new SlowEngine(5), new SlowEngine(5));
        List<LocalWorker> workers = new ArrayList<>();
        try {
            for (FixedAnswerEngine e : engines) {
                workers.add(worker(e));
            }
            try (CocoonClient client = client(workers, Duration.ofSeconds(30))) {
                load(client, 6, 600);
            }
            double mean = 200;
            for (FixedAnswerEngine e : engines) {
                assertTrue(Math.abs(e.calls.get() - mean) <= 0.2 * mean, "calls per worker: "
                        + engines.stream().map(x -> x.calls.get()).toList());
            }
        } finally {
            workers.forEach(LocalWorker::close);
        }
    }

    @Test
    void loadShiftsAwayFromASlowWorker() throws Exception {
        SlowEngine fast = new SlowEngine(2);
        SlowEngine slow = new SlowEngine(40);
        try (LocalWorker a = worker(fast); LocalWorker b = worker(slow);
             CocoonClient client = client(List.of(a, b), Duration.ofSeconds(30))) {
            load(client, 4, 120);
            assertTrue(slow.calls.get() * 3 < fast.calls.get(), "fast " + fast.calls + ", slow " + slow.calls);
        }
    }

    @Test
    void aWorkerThatRefusesConnectionsIsSkippedAndEveryRequestCompletesElsewhere() throws Exception {
        FixedAnswerEngine alive = new FixedAnswerEngine("2");
        try (LocalWorker a = worker(alive); LocalWorker dead = worker(new FixedAnswerEngine("2"));
             CocoonClient client = client(List.of(a, dead), Duration.ofSeconds(30))) {
            dead.server.close();
            for (int i = 0; i < 20; i++) {
                assertEquals(a.server.endpoint(), client.chat(ask()).verification().worker());
            }
            assertEquals(20, alive.calls.get());
        }
    }

    @Test
    void aWorkerKilledMidRunCostsAtMostATypedErrorPerOpenConnectionAndNoResend() throws Exception {
        FixedAnswerEngine alive = new FixedAnswerEngine("2");
        FixedAnswerEngine killed = new FixedAnswerEngine("2");
        try (LocalWorker a = worker(alive); LocalWorker b = worker(killed);
             CocoonClient client = client(List.of(a, b), Duration.ofSeconds(30))) {
            int answered = 0;
            int failed = 0;
            for (int i = 0; i < 40; i++) {
                if (i == 10) {
                    b.server.close();
                }
                try {
                    client.chat(ask());
                    answered++;
                } catch (TransportException e) {
                    // Sent on a connection the worker held when it died: it may have been processed, so it is
                    // reported, not resent.
                    failed++;
                }
            }
            assertEquals(40, answered + failed);
            assertTrue(failed <= 2, "failed " + failed);
            // Every answer was generated exactly once: nothing was resent.
            assertEquals(answered, alive.calls.get() + killed.calls.get());
        }
    }

    @Test
    void aWorkerWhoseEvidenceThePolicyRefusesIsSkipped() throws Exception {
        FixedAnswerEngine trusted = new FixedAnswerEngine("2");
        FixedAnswerEngine stranger = new FixedAnswerEngine("2");
        try (LocalWorker a = worker(trusted);
             LocalWorker b = new LocalWorker(stranger);  // its own dev root, which the policy does not pin
             CocoonClient client = client(List.of(a, b), Duration.ofSeconds(30))) {
            for (int i = 0; i < 10; i++) {
                assertEquals(a.server.endpoint(), client.chat(ask()).verification().worker());
            }
            assertEquals(0, stranger.calls.get());
        }
    }

    @Test
    void aBusyWorkersSignedRefusalSendsThePaidRequestElsewhereAndNothingIsChargedTwice() throws Exception {
        Ed25519KeyPair operator = Ed25519KeyPair.generate();
        Ed25519KeyPair clientKey = Ed25519KeyPair.generate();
        BusyEngine busyEngine = new BusyEngine();
        FixedAnswerEngine servingEngine = new FixedAnswerEngine("42");
        try (PaidWorker busy = new PaidWorker(busyEngine, dir.resolve("busy.db"), operator, 1_000_000_000L, devRoot);
             PaidWorker serving = new PaidWorker(servingEngine, dir.resolve("serving.db"), operator, 1_000_000_000L,
                     devRoot);
             CocoonClient client = CocoonClient.builder().endpoint(busy.server.endpoint())
                     .endpoint(serving.server.endpoint()).policy(PaidWorker.policy(devRoot))
                     .httpClient(new OkHttpClient()).payment(PaidWorker.channel(clientKey,
                             PaymentChannel.randomChannelId(), 1_000_000_000L, 10_000_000L, SpendStore.inMemory())
                             .build()).build()) {
            List<SignedReceipt> held = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                VerifiedCompletion answer = client.chat(ask());
                assertEquals(serving.server.endpoint(), answer.verification().worker());
                held.add(answer.payment().orElseThrow().receipt());
            }
            assertTrue(busyEngine.refused.get() >= 1, "the busy worker was tried");
            var channel = held.get(0).receipt().channel();
            assertEquals(List.of(), busy.ledger.receipts(channel), "the busy worker charged nothing");
            assertEquals(held, serving.ledger.receipts(channel));
        }
    }

    @Test
    void paidRequestsSpreadOverTwoOperatorsEachOnItsOwnChannelWithMatchingBooks() throws Exception {
        FixedAnswerEngine first = new FixedAnswerEngine("42");
        FixedAnswerEngine second = new FixedAnswerEngine("42");
        try (PaidWorker a = new PaidWorker(first, dir.resolve("a.db"), Ed25519KeyPair.generate(), 1_000_000_000L,
                devRoot);
             PaidWorker b = new PaidWorker(second, dir.resolve("b.db"), Ed25519KeyPair.generate(), 1_000_000_000L,
                     devRoot);
             CocoonClient client = CocoonClient.builder().endpoint(a.server.endpoint())
                     .endpoint(b.server.endpoint()).policy(PaidWorker.policy(devRoot))
                     .httpClient(new OkHttpClient()).payment(PaidWorker.channel(Ed25519KeyPair.generate(),
                             PaymentChannel.randomChannelId(), 1_000_000_000L, 10_000_000L, SpendStore.inMemory())
                             .build()).build()) {
            List<SignedReceipt> held = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                held.add(client.chat(ask()).payment().orElseThrow().receipt());
            }
            assertTrue(first.calls.get() > 0 && second.calls.get() > 0, first.calls + " / " + second.calls);
            // Each operator is paid on its own channel (the address derives from its key); each ledger holds
            // exactly the client's receipts of that channel, so nothing was charged twice or lost.
            var byChannel = held.stream().collect(java.util.stream.Collectors.groupingBy(r -> r.receipt().channel()));
            assertEquals(2, byChannel.size());
            for (var entry : byChannel.entrySet()) {
                List<SignedReceipt> inA = a.ledger.receipts(entry.getKey());
                List<SignedReceipt> inB = b.ledger.receipts(entry.getKey());
                assertEquals(entry.getValue(), inA.isEmpty() ? inB : inA);
                assertTrue(inA.isEmpty() || inB.isEmpty(), "one operator per channel");
            }
            assertEquals(2, client.payments().size());
        }
    }

    @Test
    void withAFundedChannelPerOperatorEachWorkerIsPaidOnItsOperatorsChannel() throws Exception {
        Ed25519KeyPair clientKey = Ed25519KeyPair.generate();
        java.math.BigInteger id = PaymentChannel.randomChannelId();
        SpendStore storeA = SpendStore.inMemory();
        SpendStore storeB = SpendStore.inMemory();
        FixedAnswerEngine first = new FixedAnswerEngine("42");
        FixedAnswerEngine second = new FixedAnswerEngine("42");
        try (PaidWorker a = new PaidWorker(first, dir.resolve("a.db"), Ed25519KeyPair.generate(), 1_000_000_000L,
                devRoot);
             PaidWorker b = new PaidWorker(second, dir.resolve("b.db"), Ed25519KeyPair.generate(), 1_000_000_000L,
                     devRoot)) {
            // The address each operator's channel was deployed to, pinned as a funded channel would be.
            var addressA = PaidWorker.channel(clientKey, id, 1_000_000_000L, 10_000_000L, SpendStore.inMemory())
                    .build().parametersWith(a.desk.terms(), a.desk.payout().toString()).address();
            var addressB = PaidWorker.channel(clientKey, id, 1_000_000_000L, 10_000_000L, SpendStore.inMemory())
                    .build().parametersWith(b.desk.terms(), b.desk.payout().toString()).address();
            try (CocoonClient client = CocoonClient.builder().endpoint(a.server.endpoint())
                    .endpoint(b.server.endpoint()).policy(PaidWorker.policy(devRoot)).httpClient(new OkHttpClient())
                    .payment(PaidWorker.channel(clientKey, id, 1_000_000_000L, 10_000_000L, storeB)
                            .address(addressB).build())
                    .payment(PaidWorker.channel(clientKey, id, 1_000_000_000L, 10_000_000L, storeA)
                            .address(addressA).build()).build()) {
                for (int i = 0; i < 20; i++) {
                    var receipt = client.chat(ask()).payment().orElseThrow().receipt().receipt();
                    assertTrue(receipt.channel().equals(addressA) || receipt.channel().equals(addressB));
                }
                assertEquals(first.calls.get(), a.ledger.receipts(addressA).size());
                assertEquals(second.calls.get(), b.ledger.receipts(addressB).size());
                assertTrue(first.calls.get() > 0 && second.calls.get() > 0, first.calls + " / " + second.calls);
            }
            // With only A's channel, B's worker is skipped (it is another operator's) and everything goes to A.
            int before = second.calls.get();
            int beforeA = first.calls.get();
            try (CocoonClient onlyA = CocoonClient.builder().endpoint(a.server.endpoint())
                    .endpoint(b.server.endpoint()).policy(PaidWorker.policy(devRoot)).httpClient(new OkHttpClient())
                    .payment(PaidWorker.channel(clientKey, id, 1_000_000_000L, 10_000_000L, storeA)
                            .address(addressA).build()).build()) {
                for (int i = 0; i < 10; i++) {
                    assertEquals(a.server.endpoint(), onlyA.chat(ask()).verification().worker());
                }
            }
            assertEquals(beforeA + 10, first.calls.get());
            assertEquals(before, second.calls.get());
        }
    }

    @Test
    void aWorkerThatStallsAfterReceivingARequestIsNotResentFrom() throws Exception {
        FixedAnswerEngine healthy = new FixedAnswerEngine("2");
        SlowEngine stalled = new SlowEngine(60_000);
        try (LocalWorker a = worker(stalled); LocalWorker b = worker(healthy);
             CocoonClient client = CocoonClient.builder().endpoint(a.server.endpoint())
                     .policy(AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey())
                             .build()).httpClient(new OkHttpClient()).requestTimeout(Duration.ofMillis(800))
                     .build()) {
            TransportException e = assertThrows(TransportException.class, () -> client.chat(ask()));
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertEquals(0, healthy.calls.get(), "a request the worker may have processed is never resent");
        }
    }

    @Test
    void aWorkerThatStallsMidStreamTimesOutWithWhatArrivedAndIsNotResentFrom() throws Exception {
        FixedAnswerEngine healthy = new FixedAnswerEngine("2");
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        FixedAnswerEngine stalling = new FixedAnswerEngine("ab") {
            @Override
            public network.cocoon.worker.inference.Generation generate(
                    network.cocoon.worker.inference.GenerationRequest request,
                    network.cocoon.worker.inference.TokenSink sink) {
                calls.incrementAndGet();
                request.admission().admit(3, request.maxTokens());
                sink.accept("a");
                sink.accept("b");
                try {
                    released.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new network.cocoon.worker.inference.Generation("ab",
                        network.cocoon.worker.inference.FinishReason.CANCELLED, 3, 2);
            }
        };
        try (LocalWorker a = worker(stalling); LocalWorker b = worker(healthy);
             CocoonClient client = CocoonClient.builder().endpoint(a.server.endpoint()).endpoint(b.server.endpoint())
                     .policy(AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey())
                             .build()).httpClient(new OkHttpClient()).requestTimeout(Duration.ofMillis(1500))
                     .build()) {
            StringBuilder shown = new StringBuilder();
            network.cocoon.sdk.CocoonException stalled = null;
            for (int i = 0; i < 20 && stalled == null; i++) {
                shown.setLength(0);
                int before = healthy.calls.get();
                try {
                    client.chatStream(ask(), shown::append);
                } catch (TransportException e) {
                    stalled = e;
                    assertEquals(before, healthy.calls.get(), "the stalled stream was not restarted elsewhere");
                }
            }
            assertTrue(stalled != null, "no request reached the stalling worker");
            assertTrue(stalled.getMessage().contains("timed out"), stalled.getMessage());
            assertEquals("ab", shown.toString(), "what arrived, authenticated chunk by chunk, is what was shown");
        } finally {
            released.countDown();
        }
    }

    @Test
    void workersComeFromASignedDirectory() throws Exception {
        Ed25519KeyPair directoryKey = Ed25519KeyPair.generate();
        FixedAnswerEngine one = new FixedAnswerEngine("2");
        FixedAnswerEngine two = new FixedAnswerEngine("2");
        try (LocalWorker a = worker(one); LocalWorker b = worker(two);
             okhttp3.mockwebserver.MockWebServer host = new okhttp3.mockwebserver.MockWebServer()) {
            long now = System.currentTimeMillis() / 1000;
            List<URI> listed = List.of(a.server.endpoint(), b.server.endpoint());
            var doc = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
            doc.put("version", network.cocoon.sdk.routing.SignedWorkerDirectory.VERSION);
            doc.put("issued_at", now - 10);
            doc.put("expires_at", now + 3600);
            listed.forEach(u -> doc.withArray("workers").add(u.toString()));
            doc.put("signature", java.util.HexFormat.of().formatHex(directoryKey.sign(
                    network.cocoon.sdk.routing.SignedWorkerDirectory.signedBytes(now - 10, now + 3600, listed))));
            host.enqueue(new okhttp3.mockwebserver.MockResponse().setBody(doc.toString()));
            host.start();
            var directory = network.cocoon.sdk.routing.SignedWorkerDirectory.builder()
                    .url(URI.create(host.url("/workers.json").toString())).pinnedKey(directoryKey.publicKey())
                    .httpClient(new OkHttpClient()).build();
            try (CocoonClient client = CocoonClient.builder().directory(directory).policy(AttestationPolicy
                    .builder().allowInsecureDevelopmentEvidence(devRoot.publicKey()).build())
                    .httpClient(new OkHttpClient()).build()) {
                load(client, 2, 40);
            }
            assertEquals(40, one.calls.get() + two.calls.get());
            assertTrue(one.calls.get() > 0 && two.calls.get() > 0, one.calls + " / " + two.calls);
        }
    }

    @Test
    void attestationIsRefreshedAheadOfItsEndWithoutARequestWaitingForIt() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        OkHttpClient http = new OkHttpClient.Builder().addInterceptor(chain -> {
            if (chain.request().url().encodedPath().equals("/v1/attestation")) {
                fetches.incrementAndGet();
            }
            return chain.proceed(chain.request());
        }).build();
        try (LocalWorker a = worker(new FixedAnswerEngine("2"));
             CocoonClient client = CocoonClient.builder().endpoint(a.server.endpoint()).httpClient(http)
                     .policy(AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey())
                             .maxDocumentAge(Duration.ofSeconds(5)).build()).build()) {
            client.chat(ask());
            assertEquals(1, fetches.get());
            java.time.Instant trustedUntil = client.verifyWorker().trustedUntil();
            // In the last fifth of the document's trust: the request is served from the cache and starts a
            // refresh in the background.
            sleepUntil(trustedUntil.minusMillis(400));
            client.chat(ask());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (fetches.get() < 2) {
                assertTrue(System.nanoTime() < deadline, "no background refresh");
                Thread.sleep(10);
            }
            // Past the first document's end, requests use the refreshed one: no fetch on the request path.
            sleepUntil(trustedUntil.plusMillis(300));
            client.chat(ask());
            assertEquals(2, fetches.get());
            assertTrue(client.verifyWorker().trustedUntil().isAfter(trustedUntil));
        }
    }

    private static void sleepUntil(java.time.Instant when) throws InterruptedException {
        long millis = java.time.Duration.between(java.time.Instant.now(), when).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    @Test
    void anUnsignedOrForgedBusyIsNotTrustedSoTheRequestIsNotResent() throws Exception {
        FixedAnswerEngine relayed = new FixedAnswerEngine("2");
        FixedAnswerEngine other = new FixedAnswerEngine("2");
        try (LocalWorker a = worker(relayed); LocalWorker b = worker(other)) {
            for (String forged : new String[] {null, "forged"}) {
                // A hostile hop lets the request reach worker a, which answers, then shows the client a 503.
                OkHttpClient hostile = new OkHttpClient.Builder().addInterceptor(chain -> {
                    okhttp3.Response real = chain.proceed(chain.request());
                    if (!chain.request().url().encodedPath().equals("/v1/sealed")
                            || chain.request().url().port() != a.server.endpoint().getPort()) {
                        return real;
                    }
                    real.close();
                    String refusal = forged == null ? "" : ",\"refusal\":{\"request_hash\":\"" + "00".repeat(32)
                            + "\",\"code\":\"busy\",\"signature\":\"" + "11".repeat(64) + "\"}";
                    return real.newBuilder().code(503).message("Service Unavailable").body(okhttp3.ResponseBody.create(
                            "{\"error\":{\"code\":\"busy\",\"message\":\"the worker is busy\"" + refusal + "}}",
                            okhttp3.MediaType.get("application/json"))).build();
                }).build();
                try (CocoonClient client = CocoonClient.builder().endpoint(a.server.endpoint())
                        .endpoint(b.server.endpoint()).policy(AttestationPolicy.builder()
                                .allowInsecureDevelopmentEvidence(devRoot.publicKey()).build())
                        .httpClient(hostile).build()) {
                    int refused = 0;
                    for (int i = 0; i < 10; i++) {
                        try {
                            client.chat(ask());
                        } catch (network.cocoon.sdk.WorkerRejectedException e) {
                            assertEquals(network.cocoon.sdk.protocol.ErrorCode.BUSY, e.code());
                            refused++;
                        }
                    }
                    assertTrue(refused >= 1, "worker a was never picked");
                }
            }
            // Every request was generated exactly once: the ones a answered behind the fake 503 were not resent.
            assertEquals(20, relayed.calls.get() + other.calls.get());
        }
    }

    @Test
    void aWorkerServingAnotherModelIsSkippedWithoutBeingEjected() throws Exception {
        FixedAnswerEngine wrongModel = new FixedAnswerEngine("2");
        FixedAnswerEngine rightModel = new FixedAnswerEngine("2") {
            @Override
            public ModelInfo model() {
                return new ModelInfo("other-model", "ef".repeat(32));
            }
        };
        try (LocalWorker a = worker(wrongModel); LocalWorker b = worker(rightModel);
             CocoonClient client = client(List.of(a, b), Duration.ofSeconds(30))) {
            for (int i = 0; i < 10; i++) {
                VerifiedCompletion answer = client.chat(ChatRequest.builder().model("other-model").user("1+1")
                        .maxTokens(4).build());
                assertEquals(b.server.endpoint(), answer.verification().worker());
            }
            assertEquals(0, wrongModel.calls.get());
            assertEquals(10, rightModel.calls.get());
            // The other model's worker stays in rotation for requests that want its model.
            assertEquals(a.server.endpoint(), client.chat(ChatRequest.builder().model(FixedAnswerEngine.MODEL.id())
                    .user("1+1").maxTokens(4).build()).verification().worker());
        }
    }

    @Test
    void aWorkerKilledMidStreamIsReportedWithWhatArrivedAndNothingIsRestartedElsewhere() throws Exception {
        byte[] seed = new byte[32];
        seed[0] = 42;
        Ed25519KeyPair root = Ed25519KeyPair.fromSeed(seed);
        Path ready = dir.resolve("ready");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                network.cocoon.worker.testing.StreamingWorkerMain.class.getName(),
                java.util.HexFormat.of().formatHex(seed), "300", ready.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        FixedAnswerEngine survivor = new FixedAnswerEngine("2");
        try (LocalWorker b = new LocalWorker(survivor, ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)),
                root)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!java.nio.file.Files.exists(ready)) {
                assertTrue(child.isAlive() && System.nanoTime() < deadline, "the child worker did not start");
                Thread.sleep(20);
            }
            URI childEndpoint = URI.create(java.nio.file.Files.readString(ready));
            try (CocoonClient client = CocoonClient.builder().endpoint(childEndpoint).endpoint(b.server.endpoint())
                    .policy(AttestationPolicy.builder().allowInsecureDevelopmentEvidence(root.publicKey()).build())
                    .httpClient(new OkHttpClient()).requestTimeout(Duration.ofSeconds(30)).build()) {
                ChatRequest ask = ChatRequest.builder().user("1+1").maxTokens(10).build();
                StringBuilder received = new StringBuilder();
                network.cocoon.sdk.CocoonException broken = null;
                for (int i = 0; i < 20 && broken == null; i++) {
                    received.setLength(0);
                    int before = survivor.calls.get();
                    try {
                        client.chatStream(ask, delta -> {
                            received.append(delta);
                            if (delta.equals("b")) {
                                child.destroyForcibly();  // SIGKILL, two tokens into the child's answer
                            }
                        });
                    } catch (network.cocoon.sdk.CocoonException e) {
                        broken = e;
                        assertEquals(before, survivor.calls.get(), "the broken stream was not restarted elsewhere");
                    }
                }
                assertTrue(broken != null, "no request reached the child worker");
                assertTrue(broken instanceof TransportException
                        || broken instanceof network.cocoon.sdk.IntegrityException, broken.toString());
                assertEquals("ab", received.toString(), "what arrived, authenticated chunk by chunk, is what was shown");
                assertTrue(child.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
                // Afterwards every request is answered by the survivor.
                for (int i = 0; i < 10; i++) {
                    assertEquals(b.server.endpoint(), client.chat(ask).verification().worker());
                }
            }
        } finally {
            child.destroyForcibly();
        }
    }

    /** Answers "2" after {@code millisPerToken} per token; cancellable. */
    static final class SlowEngine extends FixedAnswerEngine {
        private final long millisPerToken;

        SlowEngine(long millisPerToken) {
            super("2");
            this.millisPerToken = millisPerToken;
        }

        @Override
        public Generation generate(GenerationRequest request, TokenSink sink) {
            long end = System.nanoTime() + Duration.ofMillis(millisPerToken).toNanos();
            while (System.nanoTime() < end && !request.cancelled().getAsBoolean()) {
                try {
                    Thread.sleep(Math.min(20, millisPerToken));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return super.generate(request, sink);
        }
    }

    /** A worker whose queue is always full. */
    static final class BusyEngine implements InferenceEngine {
        final AtomicInteger refused = new AtomicInteger();

        @Override
        public ModelInfo model() {
            return FixedAnswerEngine.MODEL;
        }

        @Override
        public Generation generate(GenerationRequest request, TokenSink sink) {
            refused.incrementAndGet();
            throw new EngineBusyException("queue full");
        }

        @Override
        public void close() {
        }
    }

    static URI endpoint(LocalWorker w) {
        return w.server.endpoint();
    }
}
