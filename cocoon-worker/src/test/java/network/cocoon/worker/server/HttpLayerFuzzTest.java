package network.cocoon.worker.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.RequestEnvelope;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.sdk.protocol.WorkerError;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.AfterAll;

/**
 * Any bytes on a connection to a real worker on loopback: the worker answers or closes within seconds of the
 * client's end of input, every answer other than 200 is the protocol's error body with a code this SDK knows, no
 * answer quotes the input, and afterwards the worker still serves a sealed request on a new connection. Seeds:
 * requests of each endpoint, chunked and pipelined ones (their sealed bodies are to an earlier worker's key).
 */
class HttpLayerFuzzTest {
    static final int RUN = 12;
    static LocalWorker worker;
    static boolean countShownAtExit;

    static synchronized LocalWorker worker() throws IOException {
        if (worker == null) {
            worker = new LocalWorker(new FixedAnswerEngine("ok"));
        }
        if (!countShownAtExit) {
            countShownAtExit = true;
            // Not failures (the worker's reader recovered each), counted at exit for long runs' figures; the
            // standalone fuzzer runs no @AfterAll.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(
                    "body reads that found bytes without Jetty's callback: " + Exchange.bodyReadsRecoveredByPolling())));
        }
        return worker;
    }

    @AfterAll
    static synchronized void stop() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    @FuzzTest(maxDuration = "10s")
    void anyBytesOnTheWireAreAnsweredOrClosed(byte[] input) throws Exception {
        LocalWorker w = worker();
        byte[] reply = exchange(w, input);
        for (String message : checkReplies(reply)) {
            requireNoEcho(w, message, input);
        }
        stillServes(w);
    }

    /** Writes the input, ends it, and reads until the worker closes; a worker that neither answers nor closes hangs. */
    static byte[] exchange(LocalWorker w, byte[] input) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", w.server.endpoint().getPort()), 5_000);
            socket.setSoTimeout(15_000);
            try {
                socket.getOutputStream().write(input);
                socket.shutdownOutput();
            } catch (IOException e) {
                // The worker closed before reading everything (it refused the head): what it sent still counts.
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    all.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the worker neither answered nor closed within 15 s of the input's end");
            } catch (IOException reset) {
                // A reset after the answer: the worker closed a connection it would not read further.
            }
            return all.toByteArray();
        }
    }

    /** Every response in the reply: a status line, and for errors the protocol's body; returns their messages. */
    static List<String> checkReplies(byte[] reply) throws IOException {
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        List<String> messages = new java.util.ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            if (!text.startsWith("HTTP/1.1 ", at)) {
                throw new AssertionError("not a status line at " + at);
            }
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                throw new AssertionError("a response head without its end");
            }
            int status = Integer.parseInt(text.substring(at + 9, at + 12));
            String head = text.substring(at, headEnd).toLowerCase(java.util.Locale.ROOT);
            int bodyStart = headEnd + 4;
            int length = contentLength(head);
            if (length < 0) {
                // A stream (chunked): only a 200 streams, and it is the last thing on the connection here.
                if (status != 200) {
                    throw new AssertionError("a " + status + " without Content-Length");
                }
                return messages;
            }
            if (bodyStart + length > text.length()) {
                throw new AssertionError("a body shorter than its Content-Length");
            }
            byte[] body = java.util.Arrays.copyOfRange(reply, bodyStart, bodyStart + length);
            if (status != 200) {
                WorkerError error = ProtocolJson.read(body, WorkerError.class);
                if (error.error() == null || ErrorCode.fromWireName(error.error().code()) == ErrorCode.UNKNOWN) {
                    throw new AssertionError("a " + status + " whose body is not the protocol's error");
                }
                messages.add(String.valueOf(error.error().message()));
            }
            at = bodyStart + length;
        }
        return messages;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return -1;
    }

    /**
     * An error message is fixed text, limits and field names, never the input. Tested by difference, since the
     * fuzzer learns the messages' own words from comparisons: where a 12-byte run of a message occurs in the
     * input, those input bytes are changed and the input sent again; it is an echo only if a message then shows
     * the changed bytes.
     */
    static void requireNoEcho(LocalWorker w, String message, byte[] input) throws IOException {
        String in = new String(input, StandardCharsets.ISO_8859_1);
        for (int i = 0; i + RUN <= message.length(); i++) {
            int at = in.indexOf(message.substring(i, i + RUN));
            if (at < 0) {
                continue;
            }
            byte[] changed = input.clone();
            for (int k = at; k < at + RUN; k++) {
                changed[k] = (byte) (Character.isLetter(changed[k]) ? changed[k] ^ 0x20 : changed[k] == 'x' ? 'y' : 'x');
            }
            String echo = new String(changed, at, RUN, StandardCharsets.ISO_8859_1);
            for (String again : checkReplies(exchange(w, changed))) {
                if (again.contains(echo)) {
                    throw new AssertionError("an error message quotes the input: " + echo);
                }
            }
            return;
        }
    }

    /** Jetty's dump and every thread's stack, virtual ones included, written to a file whose path is returned. */
    static String dumpState(LocalWorker w) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createDirectories(java.nio.file.Path.of("target", "fuzz"));
            java.nio.file.Path threads = dir.resolve("stall-threads-" + System.currentTimeMillis() + ".txt");
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(threads.toAbsolutePath().toString(),
                            com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            java.nio.file.Path jetty = dir.resolve("stall-jetty-" + System.currentTimeMillis() + ".txt");
            java.nio.file.Files.writeString(jetty, w.server.dumpState());
            return jetty.toAbsolutePath() + " and " + threads.toAbsolutePath();
        } catch (IOException | RuntimeException e) {
            return "not written (" + e + ")";
        }
    }

    /**
     * A well-formed sealed request on a new connection is still answered. New, not pooled: an idle pooled
     * connection may be one the worker is closing (it closes keep-alives idle for 10 s, as long as one slow input
     * can take), and a request racing that close fails on any server.
     */
    static void stillServes(LocalWorker w) throws Exception {
        byte[] body = ProtocolJson.write(new InferenceRequest(null, List.of(ChatMessage.user("hi")), 4, 0, 1, 0, null,
                List.of(), false, new RequestEnvelope(String.format("%032x", System.nanoTime()),
                        System.currentTimeMillis(), LocalWorker.PRICE)));
        SealedRequest sealed = SealedRequest.seal(w.identity.keyConfig(), HpkeSuite.X25519_SHA256_AES128GCM, body);
        RawHttp.Reply reply;
        try {
            reply = RawHttp.postFresh(w, sealed.message(), "message/ohttp-req");
        } catch (IOException e) {
            throw new AssertionError("the worker stopped serving (" + e + "); its state: " + dumpState(w), e);
        }
        if (reply.status() != 200) {
            throw new AssertionError("the worker stopped serving: HTTP " + reply.status() + " "
                    + new String(reply.body(), StandardCharsets.UTF_8));
        }
        String content = ProtocolJson.read(sealed.openResponse(reply.body()), SealedResponseBody.class).completion()
                .content();
        if (!content.equals("ok")) {
            throw new AssertionError("the worker answered something else");
        }
    }
}
