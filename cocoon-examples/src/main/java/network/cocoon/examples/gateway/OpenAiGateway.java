package network.cocoon.examples.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.CocoonException;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.chat.ChatCompletion;
import network.cocoon.sdk.payment.Payment;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * OpenAI's chat API in front of the SDK: {@code POST /v1/chat/completions} (single-shot or server-sent events)
 * and {@code GET /v1/models}, so that existing OpenAI clients talk to attested Cocoon workers unchanged. Every
 * answer is sealed, verified and paid by the SDK; the gateway adds a {@code cocoon} object with what was
 * verified and paid.
 *
 * <p>Streamed text is authenticated as it arrives, but the worker's signature over the whole answer is checked
 * after the last token: when that check fails the stream ends with an {@code error} event and no
 * {@code [DONE]}, and the client must discard what it showed (OpenAI's clients raise an error there).
 *
 * <p>The gateway spends its channel's money: it listens on loopback unless given an API key.
 */
public final class OpenAiGateway implements AutoCloseable {
    /** The most a request body may hold. */
    static final int MAX_BODY = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final ServerConnector connector;

    private OpenAiGateway(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Starts serving.
     *
     * @param address where to listen
     * @param client the SDK client every request goes through
     * @param apiKey the bearer token clients must present; required unless {@code address} is loopback
     * @throws IllegalArgumentException when a non-loopback address has no API key
     * @throws IOException when the port cannot be bound
     */
    public static OpenAiGateway start(InetSocketAddress address, CocoonClient client, Optional<String> apiKey)
            throws IOException {
        if (apiKey.isEmpty() && !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the gateway spends its channel's money: listening on "
                    + address.getAddress().getHostAddress() + " needs an API key");
        }
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("cocoon-gateway");
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server);
        connector.setHost(address.getAddress().getHostAddress());
        connector.setPort(address.getPort());
        connector.setAcceptedTcpNoDelay(true);
        server.addConnector(connector);
        server.setStopTimeout(1_000);
        byte[] key = apiKey.map(k -> k.getBytes(StandardCharsets.UTF_8)).orElse(null);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                new GatewayExchange(request, response, client, key).serve();
                callback.succeeded();
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // Nothing more to release.
            }
            throw e instanceof IOException io ? io : new IOException("cannot start the gateway", e);
        }
        return new OpenAiGateway(server, connector);
    }

    /** The base URL, without {@code /v1}. */
    public URI endpoint() {
        String host = connector.getHost();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + connector.getLocalPort());
    }

    /** Stops serving, waiting up to a second for answers in flight. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Connections still open after the stop timeout were cut.
        }
    }

    /** One request, answered on the calling thread with blocking writes. */
    private static final class GatewayExchange {
        private final Request request;
        private final Response response;
        private final CocoonClient client;
        private final byte[] apiKey;
        private boolean streaming;

        GatewayExchange(Request request, Response response, CocoonClient client, byte[] apiKey) {
            this.request = request;
            this.response = response;
            this.client = client;
            this.apiKey = apiKey;
        }

        void serve() {
            try {
                authorize();
                String path = Request.getPathInContext(request);
                String method = request.getMethod();
                if (path.equals("/v1/models")) {
                    requireMethod(method, "GET");
                    models();
                } else if (path.equals("/v1/chat/completions")) {
                    requireMethod(method, "POST");
                    completions();
                } else {
                    throw new GatewayException(new OpenAiError(404, "invalid_request_error", "not_found", null,
                            "no such endpoint; this gateway serves /v1/chat/completions and /v1/models"));
                }
            } catch (GatewayException e) {
                fail(e.error());
            } catch (CocoonException e) {
                fail(OpenAiError.from(e));
            } catch (IOException e) {
                // The client went away; nothing is left to tell it.
            } catch (RuntimeException e) {
                fail(new OpenAiError(500, "api_error", "internal_error", null, "internal error in the gateway"));
            }
        }

        private void authorize() {
            if (apiKey == null) {
                return;
            }
            String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            byte[] presented = header != null && header.startsWith("Bearer ")
                    ? header.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(presented, apiKey)) {
                throw new GatewayException(new OpenAiError(401, "invalid_request_error", "invalid_api_key", null,
                        "a valid API key is required (Authorization: Bearer ...)"));
            }
        }

        private static void requireMethod(String method, String allowed) {
            if (!method.equals(allowed)) {
                throw new GatewayException(new OpenAiError(405, "invalid_request_error", "method_not_allowed",
                        null, "use " + allowed));
            }
        }

        private void models() throws IOException {
            var model = client.verifyWorker().document().model();
            ObjectNode body = JSON.createObjectNode();
            body.put("object", "list");
            ObjectNode entry = body.putArray("data").addObject();
            entry.put("id", model.id());
            entry.put("object", "model");
            entry.put("created", 0);
            entry.put("owned_by", "cocoon");
            entry.put("cocoon_model_digest", model.digest());
            sendJson(200, body);
        }

        private void completions() throws IOException {
            JsonNode body;
            try {
                body = JSON.readTree(readBody());
            } catch (JsonProcessingException e) {
                throw new GatewayException(OpenAiError.invalid(null, "the body is not valid JSON"));
            }
            String served = client.verifyWorker().document().model().id();
            CompletionParams params = CompletionParams.parse(body, served);
            if (!params.stream()) {
                VerifiedCompletion answer = client.chat(params.request());
                sendJson(200, completionJson(answer));
                return;
            }
            streamCompletion(params);
        }

        private void streamCompletion(CompletionParams params) throws IOException {
            String id = "chatcmpl-" + java.util.UUID.randomUUID();
            long created = System.currentTimeMillis() / 1000;
            String model = params.request().model();
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            streaming = true;
            ObjectNode first = chunk(id, created, model);
            first.withArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta")
                    .put("role", "assistant").put("content", "");
            event(first);
            VerifiedCompletion answer = client.chatStream(params.request(), delta -> {
                ObjectNode next = chunk(id, created, model);
                next.withArray("choices").addObject().put("index", 0).putNull("finish_reason").putObject("delta")
                        .put("content", delta);
                try {
                    event(next);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ObjectNode last = chunk(id, created, model);
            last.withArray("choices").addObject().put("index", 0)
                    .put("finish_reason", answer.completion().finishReason()).putObject("delta");
            last.set("cocoon", cocoonJson(answer));
            event(last);
            if (params.includeUsage()) {
                ObjectNode usage = chunk(id, created, model);
                usage.putArray("choices");
                usage.set("usage", usageJson(answer));
                event(usage);
            }
            write("data: [DONE]\n\n", true);
        }

        private static ObjectNode chunk(String id, long created, String model) {
            ObjectNode chunk = JSON.createObjectNode();
            chunk.put("id", id);
            chunk.put("object", "chat.completion.chunk");
            chunk.put("created", created);
            chunk.put("model", model);
            chunk.putArray("choices");
            return chunk;
        }

        private static ObjectNode completionJson(VerifiedCompletion answer) {
            ChatCompletion c = answer.completion();
            ObjectNode body = JSON.createObjectNode();
            body.put("id", c.id());
            body.put("object", "chat.completion");
            body.put("created", c.created());
            body.put("model", c.model());
            ArrayNode choices = body.putArray("choices");
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").put("content", c.content()).putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", c.finishReason());
            body.set("usage", usageJson(answer));
            body.set("cocoon", cocoonJson(answer));
            return body;
        }

        private static ObjectNode usageJson(VerifiedCompletion answer) {
            var usage = answer.completion().usage();
            ObjectNode node = JSON.createObjectNode();
            node.put("prompt_tokens", usage.promptTokens());
            node.put("completion_tokens", usage.completionTokens());
            node.put("total_tokens", usage.promptTokens() + usage.completionTokens());
            return node;
        }

        /** What was verified and paid, for clients that look. */
        private static ObjectNode cocoonJson(VerifiedCompletion answer) {
            var v = answer.verification();
            ObjectNode node = JSON.createObjectNode();
            node.put("verified", true);
            node.put("platform", v.platform());
            node.put("hardware_backed", v.hardwareBacked());
            node.put("model_digest", v.model().digest());
            node.put("signing_key", v.signingKey());
            node.put("request_hash", v.requestHash());
            if (answer.payment().isPresent()) {
                Payment paid = answer.payment().get();
                ObjectNode payment = node.putObject("payment");
                payment.put("amount_nanotons", paid.amount());
                payment.put("channel", paid.receipt().receipt().channel().toString());
                payment.put("receipt_seqno", paid.receipt().receipt().seqno());
                payment.put("owed_nanotons", paid.owed());
            }
            return node;
        }

        private byte[] readBody() throws IOException {
            try (InputStream in = Content.Source.asInputStream(request)) {
                byte[] body = in.readNBytes(MAX_BODY + 1);
                if (body.length > MAX_BODY) {
                    throw new GatewayException(new OpenAiError(413, "invalid_request_error", "request_too_large",
                            null, "the body exceeds " + MAX_BODY + " bytes"));
                }
                return body;
            }
        }

        private void fail(OpenAiError error) {
            try {
                if (streaming) {
                    event(error.toJson(JSON));
                    write("", true);
                } else {
                    sendJson(error.status(), error.toJson(JSON));
                }
            } catch (IOException e) {
                // The client went away; nothing is left to tell it.
            }
        }

        private void sendJson(int status, JsonNode body) throws IOException {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            write(JSON.writeValueAsString(body), true);
        }

        private void event(JsonNode data) throws IOException {
            write("data: " + JSON.writeValueAsString(data) + "\n\n", false);
        }

        private void write(String text, boolean last) throws IOException {
            try (Blocker.Callback blocker = Blocker.callback()) {
                response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), blocker);
                blocker.block();
            }
        }
    }
}
