package network.cocoon.worker.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 bytes written by hand, for framing no real client would send. */
final class RawSocket implements AutoCloseable {
    final Socket socket;

    RawSocket(URI endpoint) throws IOException {
        socket = new Socket(endpoint.getHost(), endpoint.getPort());
        socket.setTcpNoDelay(true);
    }

    RawSocket send(String ascii) throws IOException {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawSocket send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** The status and body of one response read until the server closes or {@code timeoutMillis} pass. */
    Reply read(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                all.write(buffer, 0, n);
                Reply partial = Reply.parse(all.toString(StandardCharsets.ISO_8859_1));
                if (partial != null && partial.complete()) {
                    return partial;
                }
            }
        } catch (SocketTimeoutException e) {
            // Return what arrived.
        }
        Reply reply = Reply.parse(all.toString(StandardCharsets.ISO_8859_1));
        return reply != null ? reply : new Reply(0, "", all.toString(StandardCharsets.ISO_8859_1), false);
    }

    /** Whether the server closed this connection within {@code timeoutMillis}. */
    boolean closedWithin(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // Drain whatever the server says before closing.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Reply(int status, String headers, String body, boolean complete) {
        static Reply parse(String raw) {
            int end = raw.indexOf("\r\n\r\n");
            if (!raw.startsWith("HTTP/1.1 ") || end < 0) {
                return null;
            }
            int status = Integer.parseInt(raw.substring(9, 12));
            String headers = raw.substring(0, end);
            String body = raw.substring(end + 4);
            int declared = -1;
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    declared = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new Reply(status, headers, body, declared >= 0 && body.length() >= declared);
        }
    }
}
