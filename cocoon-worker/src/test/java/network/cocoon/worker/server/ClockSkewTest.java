package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SignedReceipt;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clock off by minutes on either side (documented in docs/operators.md). The SDK stamps requests on the worker's
 * clock as its nonce-fresh attestation shows it, and checks receipts' times against it, so:
 * <ul>
 *   <li>a worker behind the client (or a client ahead) by less than the attestation's lifetime is served, paid,
 *       single-shot and streamed;</li>
 *   <li>a worker ahead of the client (or a client behind) by more than the policy's {@code clockSkew} is refused
 *       as {@code NOT_YET_VALID} before anything is sent; within a wider {@code clockSkew} it is served.</li>
 * </ul>
 */
class ClockSkewTest {
    static final Duration SKEW = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    PaidWorker worker(Clock clock) throws Exception {
        return new PaidWorker(new FixedAnswerEngine("42"), dir.resolve("ledger.db"), Ed25519KeyPair.generate(),
                1_000_000_000L, Ed25519KeyPair.generate(),
                ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)).withClock(clock), clock);
    }

    static CocoonClient client(PaidWorker worker, AttestationPolicy.Builder policy) {
        return CocoonClient.builder().endpoint(worker.server.endpoint()).policy(policy.build())
                .httpClient(new OkHttpClient()).payment(PaidWorker.channel(Ed25519KeyPair.generate(),
                        PaymentChannel.randomChannelId(), 1_000_000_000L, 10_000_000L, SpendStore.inMemory()).build())
                .build();
    }

    static AttestationPolicy.Builder policy(PaidWorker worker, Clock clientClock) {
        return AttestationPolicy.builder().allowInsecureDevelopmentEvidence(worker.devRoot.publicKey())
                .clock(clientClock);
    }

    /** Paid single-shot and streamed answers, each with a verified receipt, and the ledger agreeing. */
    static void servedAndPaid(PaidWorker worker, CocoonClient client) {
        List<SignedReceipt> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ChatRequest ask = ChatRequest.builder().user("1+" + i).maxTokens(4).build();
            VerifiedCompletion answer = i % 2 == 0 ? client.chat(ask) : client.chatStream(ask, t -> { });
            assertEquals("42", answer.content());
            held.add(answer.payment().orElseThrow().receipt());
        }
        assertEquals(held, worker.ledger.receipts(client.payments().get(0).address()));
    }

    @Test
    void aWorkerMinutesBehindIsServedAndPaid() throws Exception {
        try (PaidWorker worker = worker(Clock.offset(Clock.systemUTC(), SKEW.negated()));
             CocoonClient client = client(worker, policy(worker, Clock.systemUTC()))) {
            servedAndPaid(worker, client);
        }
    }

    @Test
    void aClientMinutesAheadIsServedAndPaid() throws Exception {
        try (PaidWorker worker = worker(Clock.systemUTC());
             CocoonClient client = client(worker, policy(worker, Clock.offset(Clock.systemUTC(), SKEW)))) {
            servedAndPaid(worker, client);
        }
    }

    @Test
    void aWorkerMinutesAheadIsRefusedBeforeSendingUnlessThePolicyAllowsThatSkew() throws Exception {
        try (PaidWorker worker = worker(Clock.offset(Clock.systemUTC(), SKEW))) {
            try (CocoonClient strict = client(worker, policy(worker, Clock.systemUTC()))) {
                AttestationException e = assertThrows(AttestationException.class, () -> strict.chat(
                        ChatRequest.builder().user("1+1").maxTokens(4).build()));
                assertEquals(AttestationException.Reason.NOT_YET_VALID, e.reason());
                assertEquals(0, ((FixedAnswerEngine) worker.engine).calls.get(), "nothing was sent");
            }
            try (CocoonClient tolerant = client(worker, policy(worker, Clock.systemUTC())
                    .clockSkew(SKEW.plusMinutes(1)))) {
                servedAndPaid(worker, tolerant);
            }
        }
    }

    @Test
    void aClientMinutesBehindIsServedWhenThePolicyAllowsThatSkew() throws Exception {
        try (PaidWorker worker = worker(Clock.systemUTC());
             CocoonClient client = client(worker, policy(worker, Clock.offset(Clock.systemUTC(), SKEW.negated()))
                     .clockSkew(SKEW.plusMinutes(1)))) {
            servedAndPaid(worker, client);
        }
    }
}
