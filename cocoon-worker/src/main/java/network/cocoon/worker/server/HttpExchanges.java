package network.cocoon.worker.server;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.WorkerError;

/** Writing responses and reading bounded bodies on the JDK HTTP server. */
final class HttpExchanges {
    private HttpExchanges() {
    }

    static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", ProtocolJson.write(body));
    }

    static void sendError(HttpExchange exchange, ErrorCode code, String message) throws IOException {
        sendJson(exchange, code.httpStatus(), WorkerError.of(code, message));
    }

    static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** The body, or {@code null} if it is longer than {@code limit} bytes. */
    static byte[] readBounded(HttpExchange exchange, int limit) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    return null;
                }
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(limit + 1);
            return body.length > limit ? null : body;
        }
    }
}
