package network.cocoon.worker.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.WorkerError;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP exchange, written in blocking style on the virtual thread that handles it. Every response goes
 * through here, so the exchange's callback completes exactly once: on the last write, or on {@link #abort}.
 */
final class Exchange {
    private static final int INITIAL_BODY_BYTES = 16 * 1024;
    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Runnable onProcessing;
    private final Runnable onEnd;
    private boolean completed;
    private String outcome;

    /**
     * @param onProcessing run once the request is fully read and the worker is busy with it
     * @param onEnd run when the response is complete, before the connection may carry another request
     */
    Exchange(Request request, Response response, Callback callback, Runnable onProcessing, Runnable onEnd) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.onProcessing = onProcessing;
        this.onEnd = onEnd;
    }

    /** The request is fully read: no more deadline runs on it while the worker works. */
    void processing() {
        onProcessing.run();
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return request.getHttpURI().getPath();
    }

    /** The raw query string, or {@code null}. */
    String query() {
        return request.getHttpURI().getQuery();
    }

    String header(String name) {
        return request.getHeaders().get(name);
    }

    void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    boolean committed() {
        return response.isCommitted();
    }

    boolean completed() {
        return completed;
    }

    /**
     * The body, or {@code null} if it is longer than {@code limit} bytes.
     *
     * @throws BadFramingException if the body's HTTP framing is broken (for example a bad chunk size)
     * @throws IOException if the client went away
     */
    byte[] readBounded(int limit) throws IOException {
        long declared = request.getLength();
        if (declared > limit) {
            return null;
        }
        // Grown as bytes arrive, so that a declared length alone reserves little.
        byte[] body = new byte[(int) Math.max(0, Math.min(declared, INITIAL_BODY_BYTES))];
        int length = 0;
        BodyDemand demand = new BodyDemand(request);
        boolean calledBack = true;
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                calledBack = demand.await();
                continue;
            }
            if (!calledBack && chunk.hasRemaining()) {
                BodyDemand.RECOVERED.increment();
                calledBack = true;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable failure = chunk.getFailure();
                    if (isBadMessage(failure)) {
                        throw new BadFramingException();
                    }
                    throw failure instanceof IOException io ? io : new IOException("request body read failed", failure);
                }
                ByteBuffer bytes = chunk.getByteBuffer();
                int n = bytes.remaining();
                if (n > limit - length) {
                    return null;
                }
                if (length + n > body.length) {
                    body = Arrays.copyOf(body, Math.min(limit, Math.max(length + n, body.length * 2)));
                }
                bytes.get(body, length, n);
                length += n;
                if (chunk.isLast()) {
                    break;
                }
            } finally {
                chunk.release();
            }
        }
        processing();
        return length == body.length ? body : Arrays.copyOf(body, length);
    }

    private static boolean isBadMessage(Throwable t) {
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (t instanceof HttpException) {
                return true;
            }
        }
        return false;
    }

    /** How many body reads found bytes that Jetty had not called back for; see {@link BodyDemand}. */
    static long bodyReadsRecoveredByPolling() {
        return BodyDemand.RECOVERED.sum();
    }

    void sendJson(int status, Object body) throws IOException {
        send(status, "application/json", ProtocolJson.write(body));
    }

    /** A refusal: the code's status and a fixed message that never carries request content. */
    void sendError(ErrorCode code, String message) throws IOException {
        markOutcome(code.wireName());
        sendJson(code.httpStatus(), WorkerError.of(code, message));
    }

    /** Names how this exchange ended, for the metrics, unless something already did. */
    void markOutcome(String name) {
        if (outcome == null) {
            outcome = name;
        }
    }

    /** Names how this exchange ended, over what was named before (a stream that failed after it began). */
    void overrideOutcome(String name) {
        outcome = name;
    }

    /** How this exchange ended: {@code ok}, an error code's wire name, {@code aborted}, or {@code none}. */
    String outcome() {
        return outcome == null ? "none" : outcome;
    }

    void send(int status, String contentType, byte[] body) throws IOException {
        markOutcome(status == 200 ? "ok" : "http_" + status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        writeLast(body);
    }

    /** Starts a streamed 200 response of unknown length; the caller then {@link #write}s and {@link #end}s. */
    void startStream(String contentType) {
        markOutcome("ok");
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    }

    /** Writes and flushes a part of a streamed response, blocking until the bytes are handed to the socket. */
    void write(byte[] bytes) throws IOException {
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap(bytes), blocker);
            blocker.block();
        }
    }

    /** Ends a streamed response with its last bytes. */
    void end(byte[] last) throws IOException {
        writeLast(last);
    }

    private void writeLast(byte[] bytes) throws IOException {
        completed = true;
        try (Blocker.Callback blocker = Blocker.callback()) {
            response.write(true, ByteBuffer.wrap(bytes), blocker);
            blocker.block();
            onEnd.run();
            callback.succeeded();
        } catch (IOException | RuntimeException e) {
            callback.failed(new Aborted());
            throw e;
        }
    }

    /**
     * Fails the exchange: the connection is closed without a (further) response. The cause is already
     * logged, by class, where it arose; Jetty gets a quiet stand-in so it logs nothing of the request.
     */
    void abort(Throwable cause) {
        markOutcome("aborted");
        if (!completed) {
            completed = true;
            callback.failed(new Aborted());
        }
    }

    /** Why an exchange ended without its response; quiet for Jetty's logs. */
    private static final class Aborted extends Exception implements QuietException {
        private static final long serialVersionUID = 1L;

        Aborted() {
            super("exchange aborted", null, false, false);
        }
    }

    /** The request's body framing is broken; the connection cannot carry another request. */
    static final class BadFramingException extends IOException {
        private static final long serialVersionUID = 1L;

        BadFramingException() {
            super("bad HTTP body framing");
        }
    }
}
