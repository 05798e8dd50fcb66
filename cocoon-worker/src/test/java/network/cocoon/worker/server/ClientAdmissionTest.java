package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-client admission: a token bucket and an in-flight cap per client, with bounded memory. */
class ClientAdmissionTest {
    final AtomicLong now = new AtomicLong(1_000_000_000L);

    @TempDir
    Path dir;

    @Test
    void aBurstPassesThenTheRateHoldsAndRefusalsSayWhenToRetry() {
        ClientAdmission admission = new ClientAdmission(new AdmissionLimits(2, 3, 10), now::get);
        byte[] alice = {1};
        for (int i = 0; i < 3; i++) {
            ((ClientAdmission.Admitted) admission.admit(alice)).release().run();
        }
        var refused = assertInstanceOf(ClientAdmission.Refused.class, admission.admit(alice));
        assertEquals(1, refused.retryAfterSeconds());
        assertInstanceOf(ClientAdmission.Admitted.class, admission.admit(new byte[] {2}), "others are unaffected");
        now.addAndGet(500_000_000L);  // half a second at 2 a second: one token
        assertInstanceOf(ClientAdmission.Admitted.class, admission.admit(alice));
        assertInstanceOf(ClientAdmission.Refused.class, admission.admit(alice));
    }

    @Test
    void requestsInFlightAreCappedAndReleased() {
        ClientAdmission admission = new ClientAdmission(new AdmissionLimits(1000, 1000, 2), now::get);
        byte[] bob = {7};
        var first = (ClientAdmission.Admitted) admission.admit(bob);
        admission.admit(bob);
        var refused = assertInstanceOf(ClientAdmission.Refused.class, admission.admit(bob));
        assertEquals("too many requests of this client in flight", refused.reason());
        first.release().run();
        assertInstanceOf(ClientAdmission.Admitted.class, admission.admit(bob));
    }

    @Test
    void idleClientsAreForgottenSoMemoryStaysBounded() {
        ClientAdmission admission = new ClientAdmission(new AdmissionLimits(1000, 1, 1), now::get);
        for (int i = 0; i < ClientAdmission.MAX_CLIENTS + 10; i++) {
            byte[] key = java.nio.ByteBuffer.allocate(4).putInt(i).array();
            ((ClientAdmission.Admitted) admission.admit(key)).release().run();
            now.addAndGet(1_000_000L);
        }
        assertTrue(admission.tracked() <= ClientAdmission.MAX_CLIENTS, "tracked " + admission.tracked());
    }

    @Test
    void aChannelOverItsRateGetsASigned429WithRetryAfterAndAnotherChannelDoesNot() throws Exception {
        Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
        ServerSettings tight = ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withAdmission(new AdmissionLimits(0.01, 2, 4));
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("42"), dir.resolve("ledger.db"),
                Ed25519KeyPair.generate(), 1_000_000_000L, devRoot, tight);
             CocoonClient greedy = client(worker, devRoot);
             CocoonClient other = client(worker, devRoot)) {
            ChatRequest ask = ChatRequest.builder().user("1+1").maxTokens(4).build();
            greedy.chat(ask);
            greedy.chat(ask);
            WorkerRejectedException limited = assertThrows(WorkerRejectedException.class, () -> greedy.chat(ask));
            assertEquals(429, limited.httpStatus());
            assertEquals(ErrorCode.RATE_LIMITED, limited.code());
            assertTrue(limited.retryAfter().isPresent() && limited.retryAfter().get().toSeconds() >= 1,
                    "Retry-After reaches the caller: " + limited.retryAfter());
            assertEquals("42", other.chat(ask).content(), "another channel is not limited");
        }
    }

    private static CocoonClient client(PaidWorker worker, Ed25519KeyPair devRoot) {
        return CocoonClient.builder().endpoint(worker.server.endpoint()).policy(PaidWorker.policy(devRoot))
                .httpClient(new OkHttpClient()).payment(PaidWorker.channel(Ed25519KeyPair.generate(),
                        PaymentChannel.randomChannelId(), 1_000_000_000L, 10_000_000L, SpendStore.inMemory())
                        .build()).build();
    }
}
