package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.crypto.StreamOpener;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.RequestEnvelope;
import network.cocoon.sdk.protocol.StreamEvent;
import network.cocoon.worker.inference.FinishReason;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.Test;

/**
 * A slow reader on a stream (documented in docs/operators.md): its answer is megabytes, more than the socket
 * buffers hold, so the worker's writes wait on it. A reader that stops is cut once a write has made no progress for
 * the idle timeout; its generation is cancelled and nothing is charged. A reader that keeps reading, however slowly,
 * gets the whole stream. Neither delays anyone else.
 */
class SlowReaderTest {
    /** About 6 MB of sealed frames: more than loopback's socket buffers on both ends. */
    static final int TOKENS = 100_000;

    /** Answers {@code TOKENS} characters and notes how each generation ended. */
    static final class LongAnswerEngine extends FixedAnswerEngine {
        final CountDownLatch cancelled = new CountDownLatch(1);

        LongAnswerEngine() {
            super("x".repeat(TOKENS));
        }

        @Override
        public Generation generate(GenerationRequest request, TokenSink sink) {
            Generation g = super.generate(request, sink);
            if (g.finishReason() == FinishReason.CANCELLED) {
                cancelled.countDown();
            }
            return g;
        }
    }

    static LocalWorker worker(FixedAnswerEngine engine, Duration idleTimeout) throws Exception {
        return new LocalWorker(engine, ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0))
                .withIdleTimeout(idleTimeout));
    }

    /** A streamed request for the whole long answer, written by hand on a socket with a small receive buffer. */
    static Socket streamRequest(LocalWorker worker, SealedRequest[] sealed) throws Exception {
        byte[] body = ProtocolJson.write(new InferenceRequest(null, List.of(ChatMessage.user("long")), TOKENS, 0, 1, 0,
                null, List.of(), true, new RequestEnvelope(String.format("%032x", System.nanoTime()),
                        System.currentTimeMillis(), LocalWorker.PRICE)));
        sealed[0] = SealedRequest.seal(worker.identity.keyConfig(), HpkeSuite.X25519_SHA256_AES128GCM, body);
        byte[] message = sealed[0].message();
        URI endpoint = worker.server.endpoint();
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()));
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/sealed HTTP/1.1\r\nHost: x\r\nContent-Type: message/ohttp-req\r\nContent-Length: "
                + message.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(message);
        out.flush();
        return socket;
    }

    static String metrics(LocalWorker worker) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(worker.server.endpoint().resolve("/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aStalledReaderIsCutAfterTheIdleTimeoutAndOthersAreServedMeanwhile() throws Exception {
        LongAnswerEngine engine = new LongAnswerEngine();
        try (LocalWorker worker = worker(engine, Duration.ofSeconds(1)); CocoonClient other = worker.client()) {
            SealedRequest[] sealed = new SealedRequest[1];
            try (Socket stalled = streamRequest(worker, sealed)) {
                // Never read: the worker's writes block once the buffers are full.
                for (int i = 0; i < 4; i++) {
                    ChatRequest small = ChatRequest.builder().user("1+" + i).maxTokens(3).build();
                    long start = System.nanoTime();
                    String answer = i % 2 == 0 ? other.chat(small).content()
                            : other.chatStream(small, t -> { }).content();
                    assertEquals("xxx", answer);
                    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "served without waiting");
                }
                assertTrue(engine.cancelled.await(20, TimeUnit.SECONDS), "the stalled stream's generation ended");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (worker.server.inFlight() > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(0, worker.server.inFlight(), "nothing of it is left in flight");
                assertTrue(metrics(worker).contains("cocoon_requests_total{outcome=\"client_gone\"} 1.0"),
                        metrics(worker));
                // What the socket still holds is a cut stream: it ends without its final frame.
                stalled.setSoTimeout(10_000);
                InputStream in = stalled.getInputStream();
                long read = 0;
                try {
                    byte[] buffer = new byte[65536];
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        read += n;
                    }
                } catch (java.net.SocketException reset) {
                    // Closed by the worker: as good as the end of the stream.
                }
                assertTrue(read < (long) TOKENS * 40, "the stream was cut, not finished: " + read + " bytes");
            }
        }
    }

    @Test
    void aSlowButSteadyReaderGetsTheWholeStream() throws Exception {
        FixedAnswerEngine engine = new FixedAnswerEngine("x".repeat(TOKENS));
        // The kernel wakes a blocked writer only once a third or so of its (megabytes of) send buffer has
        // drained, so a write waits as long as the reader takes to drain that: here about a second, several under load.
        try (LocalWorker worker = worker(engine, Duration.ofSeconds(10))) {
            SealedRequest[] sealed = new SealedRequest[1];
            try (Socket steady = streamRequest(worker, sealed)) {
                steady.setSoTimeout(20_000);
                InputStream in = steady.getInputStream();
                // Skip the response head; the body is chunked transfer coding around the sealed stream.
                byte[] head = readHead(in);
                String headers = new String(head, StandardCharsets.ISO_8859_1);
                assertTrue(headers.startsWith("HTTP/1.1 200"), headers);
                StreamOpener opener = sealed[0].openStream(new ChunkedBody(in, 50), 1 << 20);
                int deltas = 0;
                StreamEvent last = null;
                long t0 = System.nanoTime();
                while (true) {
                    StreamOpener.Chunk chunk;
                    try {
                        chunk = opener.next();
                    } catch (RuntimeException | java.io.IOException e) {
                        throw new AssertionError("cut after " + deltas + " deltas, "
                                + (System.nanoTime() - t0) / 1_000_000 + " ms", e);
                    }
                    last = ProtocolJson.read(chunk.plaintext(), StreamEvent.class);
                    if (chunk.isFinal()) {
                        break;
                    }
                    deltas++;
                }
                assertEquals(TOKENS, deltas, "every delta arrived");
                assertTrue(last instanceof StreamEvent.Final, String.valueOf(last));
            }
        }
    }

    static byte[] readHead(InputStream in) throws Exception {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        int matched = 0;
        byte[] end = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("no response head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    /**
     * An HTTP/1.1 chunked body, read slowly: after every 64 KiB it pauses {@code pauseMillis}, so the worker's
     * writes wait on it, but none a whole idle timeout.
     */
    static final class ChunkedBody extends InputStream {
        private final InputStream in;
        private final int pauseMillis;
        private long left;
        private long sincePause;
        private boolean done;

        ChunkedBody(InputStream in, int pauseMillis) {
            this.in = in;
            this.pauseMillis = pauseMillis;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String line = line();
                if (line.isEmpty()) {
                    line = line();
                }
                left = Long.parseLong(line.trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new java.io.EOFException("chunked body cut");
            }
            left -= n;
            sincePause += n;
            if (sincePause >= 65536) {
                sincePause = 0;
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
            return n;
        }

        private String line() throws java.io.IOException {
            StringBuilder s = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (c != '\r') {
                    s.append((char) c);
                }
            }
            return s.toString();
        }
    }
}
