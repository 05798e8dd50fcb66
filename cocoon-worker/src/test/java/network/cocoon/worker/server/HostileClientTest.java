package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.WorkerError;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.Test;

/**
 * Clients that are slow, malformed or greedy on purpose: each is bounded or answered at once with a fixed
 * protocol error, and a valid request still goes through beside them.
 */
class HostileClientTest {
    static final String ANSWER = "ok";
    /** A protocol error body: a code and a message, nothing else (no HTML, no Java names). */
    static final Pattern ERROR_BODY = Pattern.compile("\\{\"error\":\\{\"code\":\"[a-z_]+\",\"message\":\"[^\"\\[\\]{}]*\"}}");

    static LocalWorker worker(ServerSettings settings) throws IOException {
        return new LocalWorker(new FixedAnswerEngine(ANSWER), settings);
    }

    static ServerSettings settings() {
        return ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0));
    }

    static void assertProtocolError(RawSocket.Reply reply, ErrorCode code, int status) throws IOException {
        assertEquals(status, reply.status(), reply.headers());
        assertTrue(ERROR_BODY.matcher(reply.body()).matches(), reply.body());
        assertFalse(reply.body().contains("Exception") || reply.body().contains("java."), reply.body());
        assertEquals(code.wireName(), ProtocolJson.read(reply.body().getBytes(), WorkerError.class).error().code());
    }

    /** A verified answer through the SDK, timed. */
    static long verifiedAnswerMillis(LocalWorker worker) {
        long start = System.nanoTime();
        try (CocoonClient client = worker.client()) {
            assertEquals(ANSWER, client.chat(ChatRequest.builder().user("hi").maxTokens(8).build()).content());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** 3,000, or fewer where this process may not open 2 descriptors (both ends) for each beside its own. */
    static int slowConnections() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long spare = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 1_000;
            return (int) Math.max(200, Math.min(3_000, spare / 2));
        }
        return 1_000;
    }

    @Test
    void thousandsOfTricklingConnectionsDoNotLockOutAValidRequest() throws Exception {
        int slow = slowConnections();
        try (LocalWorker worker = worker(settings().withRequestTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3)))) {
            URI endpoint = worker.server.endpoint();
            List<RawSocket> trickling = new ArrayList<>();
            try {
                for (int i = 0; i < slow; i++) {
                    trickling.add(new RawSocket(endpoint).send("POST /v1/sealed HTTP/1.1\r\nHost: x\r\n"));
                }
                // Keep every connection alive with one more header byte, as a slowloris client does.
                for (RawSocket s : trickling) {
                    s.send("X");
                }
                long millis = verifiedAnswerMillis(worker);
                assertTrue(millis < 5_000, "valid request took " + millis + " ms beside " + slow + " slow ones");
                for (RawSocket s : trickling) {
                    try {
                        s.send("-Trickle: 1");
                    } catch (IOException closedAlready) {
                        // The deadline may already have closed it.
                    }
                }
                // The request-head deadline closes them although they keep sending.
                int closed = 0;
                for (RawSocket s : trickling.subList(0, 50)) {
                    if (s.closedWithin(6_000)) {
                        closed++;
                    }
                }
                assertEquals(50, closed, "trickling connections are closed by the request-head deadline");
            } finally {
                for (RawSocket s : trickling) {
                    s.close();
                }
            }
            assertTrue(verifiedAnswerMillis(worker) < 5_000);
        }
    }

    @Test
    void atTheConnectionCapAValidRequestGetsInOnceDeadlinesFreeSlots() throws Exception {
        int cap = 32;
        ServerSettings settings = settings().withMaxConnections(cap)
                .withRequestTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1));
        try (LocalWorker worker = worker(settings)) {
            List<RawSocket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < cap; i++) {
                    idle.add(new RawSocket(worker.server.endpoint()).send("GET /healthz HTTP/1.1\r\n"));
                }
                long millis = verifiedAnswerMillis(worker);
                assertTrue(millis < 5_000, "valid request took " + millis + " ms at the cap");
            } finally {
                for (RawSocket s : idle) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aSlowBodyIsCutOff() throws Exception {
        ServerSettings settings = settings().withRequestTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(1));
        try (LocalWorker worker = worker(settings);
             RawSocket s = new RawSocket(worker.server.endpoint())) {
            s.send("POST /v1/sealed HTTP/1.1\r\nHost: x\r\nContent-Type: message/ohttp-req\r\n"
                    + "Content-Length: 1000\r\n\r\nabc");
            assertTrue(s.closedWithin(4_000), "a body that stops arriving is cut off by its deadline");
            assertTrue(verifiedAnswerMillis(worker) < 5_000);
        }
    }

    @Test
    void malformedChunkedBodyIsAnsweredAtOnce() throws Exception {
        try (LocalWorker worker = worker(settings());
             RawSocket s = new RawSocket(worker.server.endpoint())) {
            long start = System.nanoTime();
            RawSocket.Reply reply = s.send("POST /v1/sealed HTTP/1.1\r\nHost: x\r\nContent-Type: message/ohttp-req\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n").read(5_000);
            assertProtocolError(reply, ErrorCode.BAD_HTTP, 400);
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000, "answered at once");
            assertTrue(s.closedWithin(2_000), "the connection cannot carry another request");
        }
    }

    @Test
    void unsupportedTransferCodingGetsAProtocolError() throws Exception {
        try (LocalWorker worker = worker(settings());
             RawSocket s = new RawSocket(worker.server.endpoint())) {
            RawSocket.Reply reply = s.send("POST /v1/sealed HTTP/1.1\r\nHost: x\r\nContent-Type: message/ohttp-req\r\n"
                    + "Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n").read(5_000);
            // Refused as RFC 9112 says, rather than decrypting still gzip-coded bytes.
            assertProtocolError(reply, ErrorCode.BAD_HTTP, 501);
        }
    }

    @Test
    void manyHeadersAreAcceptedUpToTheSizeLimitThenAnswered431() throws Exception {
        try (LocalWorker worker = worker(settings())) {
            StringBuilder small = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 250; i++) {
                small.append("X-").append(i).append(": y\r\n");
            }
            try (RawSocket s = new RawSocket(worker.server.endpoint())) {
                assertEquals(200, s.send(small + "\r\n").read(5_000).status(), "250 short headers fit in 8 KiB");
            }
            StringBuilder large = new StringBuilder("GET /healthz HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 300; i++) {
                large.append("X-Header-").append(i).append(": ").append("v".repeat(40)).append("\r\n");
            }
            try (RawSocket s = new RawSocket(worker.server.endpoint())) {
                assertProtocolError(s.send(large + "\r\n").read(5_000), ErrorCode.HEADERS_TOO_LARGE, 431);
            }
        }
    }

    @Test
    void errorsOfTheHttpLayerAreProtocolErrors() throws Exception {
        try (LocalWorker worker = worker(settings())) {
            try (RawSocket s = new RawSocket(worker.server.endpoint())) {
                assertProtocolError(s.send("BREW /v1/sealed HTTP/1.1\r\nHost: x\r\n\r\n").read(5_000),
                        ErrorCode.METHOD_NOT_ALLOWED, 405);
            }
            try (RawSocket s = new RawSocket(worker.server.endpoint())) {
                RawSocket.Reply reply = s.send("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n").read(5_000);
                assertProtocolError(reply, ErrorCode.BAD_HTTP, 400);
            }
            try (RawSocket s = new RawSocket(worker.server.endpoint())) {
                RawSocket.Reply reply = s.send("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n").read(5_000);
                assertEquals(400, reply.status());
                assertTrue(ERROR_BODY.matcher(reply.body()).matches(), reply.body());
            }
            try (RawSocket s = new RawSocket(worker.server.endpoint())) {
                assertProtocolError(s.send("GET /v1/attestation?nonce=java.lang.Object HTTP/1.1\r\nHost: x\r\n\r\n")
                        .read(5_000), ErrorCode.MALFORMED_MESSAGE, 400);
            }
            try (RawSocket s = new RawSocket(worker.server.endpoint())) {
                assertProtocolError(s.send("GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n").read(5_000),
                        ErrorCode.NOT_FOUND, 404);
            }
        }
    }
}
