package network.cocoon.worker.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.protocol.ErrorCode;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.worker.inference.DjlEngine;
import network.cocoon.worker.inference.EngineSettings;
import network.cocoon.worker.inference.checkpoint.Checkpoint;
import network.cocoon.worker.testing.LocalWorker;
import network.cocoon.worker.testing.LogCapture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A canary string in every field of a request, one field at a time, against the real engine: whatever the
 * worker answers in clear, and whatever it logs at any level, never contains it.
 */
class ContentLeakTest {
    static final String CANARY = "c4n4ry" + HexFormat.of().formatHex(new byte[] {(byte) new Random().nextInt(),
            (byte) new Random().nextInt(), (byte) new Random().nextInt()});
    static final ObjectMapper JSON = new ObjectMapper();
    static final OkHttpClient HTTP = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    static DjlEngine engine;
    static LocalWorker worker;

    @BeforeAll
    static void start() throws Exception {
        engine = DjlEngine.load(new Checkpoint(Path.of("models", "cocoon-add-tiny")),
                new EngineSettings("cpu", null, null, 8, 64, 512));
        worker = new LocalWorker(engine);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    static ObjectNode valid() {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", "1+2");
        body.put("max_tokens", 4).put("temperature", 0).put("top_p", 1).put("top_k", 0).put("stream", false);
        body.putArray("stop");
        ObjectNode cocoon = body.putObject("cocoon");
        cocoon.put("request_id", HexFormat.of().formatHex(java.security.SecureRandom.getSeed(16)));
        cocoon.put("timestamp", System.currentTimeMillis());
        cocoon.putObject("max_price").put("promptPer1k", 1_000_000).put("completionPer1k", 1_000_000);
        return body;
    }

    static Map<String, Consumer<ObjectNode>> mutations() {
        Map<String, Consumer<ObjectNode>> m = new LinkedHashMap<>();
        m.put("model", b -> b.put("model", CANARY));
        m.put("role", b -> ((ObjectNode) b.get("messages").get(0)).put("role", CANARY));
        m.put("content with special syntax", b -> ((ObjectNode) b.get("messages").get(0)).put("content", "<|" + CANARY));
        m.put("content too long", b -> ((ObjectNode) b.get("messages").get(0)).put("content", CANARY.repeat(100)));
        m.put("messages as text", b -> b.put("messages", CANARY));
        m.put("message as text", b -> ((ArrayNode) b.get("messages")).set(0, JSON.getNodeFactory().textNode(CANARY)));
        m.put("content as object", b -> ((ObjectNode) b.get("messages").get(0)).putObject("content").put(CANARY, CANARY));
        for (String field : List.of("max_tokens", "temperature", "top_p", "top_k", "seed", "stop", "stream")) {
            m.put(field, b -> b.put(field, CANARY));
        }
        m.put("stop element", b -> ((ArrayNode) b.get("stop")).addObject().put(CANARY, 1));
        m.put("cocoon", b -> b.put("cocoon", CANARY));
        for (String field : List.of("request_id", "timestamp", "max_price")) {
            m.put("cocoon." + field, b -> ((ObjectNode) b.get("cocoon")).put(field, CANARY));
        }
        m.put("max_price.promptPer1k", b -> ((ObjectNode) b.get("cocoon").get("max_price")).put("promptPer1k", CANARY));
        m.put("unknown key", b -> b.put(CANARY, 1));
        m.put("unknown nested key with bad value", b -> ((ObjectNode) b.get("cocoon")).putObject(CANARY).put(CANARY, CANARY));
        m.put("key of a known object", b -> ((ObjectNode) b.get("messages").get(0)).put(CANARY, CANARY));
        return m;
    }

    record Reply(int status, String body) {
    }

    static Reply post(byte[] message, String contentType) throws Exception {
        Request request = new Request.Builder().url(worker.server.endpoint() + "/v1/sealed")
                .post(RequestBody.create(message, MediaType.get(contentType))).build();
        try (var response = HTTP.newCall(request).execute()) {
            return new Reply(response.code(), new String(response.body().bytes(), StandardCharsets.ISO_8859_1));
        }
    }

    static Reply get(String pathAndQuery) throws Exception {
        try (var response = HTTP.newCall(new Request.Builder().url(worker.server.endpoint() + pathAndQuery).build())
                .execute()) {
            return new Reply(response.code(), new String(response.body().bytes(), StandardCharsets.ISO_8859_1));
        }
    }

    static byte[] seal(byte[] body) {
        return SealedRequest.seal(worker.identity.keyConfig(), HpkeSuite.X25519_SHA256_CHACHA20POLY1305, body).message();
    }

    @Test
    void noRefusalAndNoLogLineCarriesRequestContent() throws Exception {
        List<String> answers = new ArrayList<>();
        int refused = 0;
        try (LogCapture logs = new LogCapture()) {
            for (var mutation : mutations().entrySet()) {
                for (boolean stream : new boolean[] {false, true}) {
                    ObjectNode body = valid();
                    body.put("stream", stream);
                    mutation.getValue().accept(body);
                    Reply reply = post(seal(JSON.writeValueAsBytes(body)), "message/ohttp-req");
                    if (reply.status() != 200) {
                        refused++;
                        assertTrue(reply.body().startsWith("{\"error\":"), mutation.getKey() + ": " + reply.body());
                    }
                    answers.add(mutation.getKey() + " -> " + reply.status() + " " + reply.body());
                }
            }
            answers.add(post(seal(CANARY.getBytes(StandardCharsets.UTF_8)), "message/ohttp-req").toString());
            answers.add(post(seal(("{\"" + CANARY + "\": }").getBytes(StandardCharsets.UTF_8)), "message/ohttp-req")
                    .toString());
            byte[] junk = seal(JSON.writeValueAsBytes(valid()));
            byte[] tail = CANARY.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(tail, 0, junk, junk.length - tail.length, tail.length);
            answers.add(post(junk, "message/ohttp-req").toString());
            answers.add(post(CANARY.getBytes(StandardCharsets.UTF_8), "message/ohttp-req").toString());
            answers.add(post(seal(JSON.writeValueAsBytes(valid())), "text/" + CANARY).toString());
            answers.add(get("/" + CANARY).toString());
            answers.add(get("/v1/attestation?nonce=" + CANARY).toString());
            answers.add(get("/v1/attestation?" + CANARY + "=00").toString());
            // Malformed HTTP, answered by the HTTP layer itself: its logs must not quote the request either.
            for (String raw : List.of(
                    "GET /healthz HTTP/1.1\r\nHost: " + CANARY + "?[\r\n\r\n",
                    "GET /healthz HTTP/1.1\r\nHost: [" + CANARY + "]:x\r\n\r\n",
                    "GET /healthz HTTP/1.1\r\nHost: w:" + CANARY + "\r\n\r\n",
                    "GET /healthz HTTP/1.1\r\nHost: " + CANARY + "\r\nHost: " + CANARY + "x\r\n\r\n",
                    "GET /" + CANARY + "\u0001 HTTP/1.1\r\nHost: w\r\n\r\n",
                    "GET /healthz HTTP/1.1\r\nHost: w\r\n" + CANARY + "\u0001: x\r\n\r\n",
                    "GET /healthz HTTP/" + CANARY + "\r\nHost: w\r\n\r\n",
                    "GET /healthz HTTP/1.1\r\nHost: w\r\nContent-Length: " + CANARY + "\r\n\r\n",
                    "POST /v1/sealed HTTP/1.1\r\nHost: w\r\nContent-Type: message/ohttp-req\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n" + CANARY + "\r\n")) {
                try (RawSocket socket = new RawSocket(worker.server.endpoint())) {
                    answers.add(socket.send(raw).read(5_000).toString());
                }
            }
            for (String answer : answers) {
                assertFalse(answer.contains(CANARY), "a reply carries request content: " + answer);
            }
            for (String line : logs.lines()) {
                assertFalse(line.contains(CANARY), "a log line carries request content: " + line);
            }
        }
        assertTrue(refused >= 30, "most mutations are refused (" + refused + ")");
        // The refusals name the field, never the value.
        ObjectNode badRole = valid();
        ((ObjectNode) badRole.get("messages").get(0)).put("role", CANARY);
        Reply reply = post(seal(JSON.writeValueAsBytes(badRole)), "message/ohttp-req");
        assertEquals(ErrorCode.INVALID_REQUEST.httpStatus(), reply.status());
        assertTrue(reply.body().contains("messages[0].role"), reply.body());
        ObjectNode noMaxTokens = valid();
        noMaxTokens.remove("max_tokens");
        assertTrue(post(seal(JSON.writeValueAsBytes(noMaxTokens)), "message/ohttp-req").body()
                .contains("'max_tokens': is required"));
    }
}
