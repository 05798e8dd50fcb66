package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.InferenceRequest;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.protocol.RequestEnvelope;
import network.cocoon.sdk.protocol.SealedResponseBody;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.LocalWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A body that arrives in parts, with pauses longer than {@link BodyDemand#LOOK_AGAIN_MILLIS}: the worker waits
 * for the rest (its reader looks again between Jetty's callbacks without issuing a second demand), answers, and
 * the connection carries the next request.
 */
class BodyReadTest {
    static final long PAUSE_MILLIS = BodyDemand.LOOK_AGAIN_MILLIS + 300;
    static LocalWorker worker;

    @BeforeAll
    static void start() throws IOException {
        worker = new LocalWorker(new FixedAnswerEngine("ok"));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    static SealedRequest sealed() {
        byte[] body = ProtocolJson.write(new InferenceRequest(null, List.of(ChatMessage.user("hi")), 4, 0, 1, 0, null,
                List.of(), false, new RequestEnvelope(String.format("%032x", System.nanoTime()),
                        System.currentTimeMillis(), LocalWorker.PRICE)));
        return SealedRequest.seal(worker.identity.keyConfig(), HpkeSuite.X25519_SHA256_AES128GCM, body);
    }

    static void assertAnswered(SealedRequest sealed, RawSocket.Reply reply) throws Exception {
        assertEquals(200, reply.status(), reply.headers());
        byte[] body = reply.body().getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("ok", ProtocolJson.read(sealed.openResponse(body), SealedResponseBody.class).completion().content());
    }

    /** Sends the parts with a pause before each but the first. */
    static void sendInParts(RawSocket socket, byte[]... parts) throws Exception {
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                Thread.sleep(PAUSE_MILLIS);
            }
            socket.send(parts[i]);
        }
    }

    static byte[] head(String framing) {
        return ("POST /v1/sealed HTTP/1.1\r\nHost: x\r\nContent-Type: message/ohttp-req\r\n" + framing + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aContentLengthBodyInPausedPartsIsReadWholeAndTheConnectionGoesOn() throws Exception {
        try (RawSocket socket = new RawSocket(worker.server.endpoint())) {
            for (int request = 0; request < 2; request++) {
                SealedRequest sealed = sealed();
                byte[] message = sealed.message();
                int third = message.length / 3;
                sendInParts(socket, concat(head("Content-Length: " + message.length), slice(message, 0, third)),
                        slice(message, third, 2 * third), slice(message, 2 * third, message.length));
                assertAnswered(sealed, socket.read(10_000));
            }
        }
    }

    @Test
    void aChunkedBodyInPausedPartsIsReadWholeAndTheConnectionGoesOn() throws Exception {
        try (RawSocket socket = new RawSocket(worker.server.endpoint())) {
            for (int request = 0; request < 2; request++) {
                SealedRequest sealed = sealed();
                byte[] message = sealed.message();
                int half = message.length / 2;
                sendInParts(socket, head("Transfer-Encoding: chunked"), chunk(slice(message, 0, half)),
                        chunk(slice(message, half, message.length)), "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertAnswered(sealed, socket.read(10_000));
            }
        }
    }

    static byte[] chunk(byte[] data) {
        return concat((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), data,
                "\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] slice(byte[] bytes, int from, int to) {
        return java.util.Arrays.copyOfRange(bytes, from, to);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
