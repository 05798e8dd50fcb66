package network.cocoon.examples.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Telegram's Bot API as far as the bot uses it ({@code getUpdates}, {@code sendMessage},
 * {@code editMessageText}), speaking its JSON on loopback, so the real Bot API library runs unchanged.
 */
final class FakeBotApi implements AutoCloseable {
    /** One call the bot made: the method and its parameters. */
    record Call(String method, Map<String, String> params) {
    }

    static final String TOKEN = "123456:TEST";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ConcurrentLinkedQueue<ObjectNode> pending = new ConcurrentLinkedQueue<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger nextUpdateId = new AtomicInteger(100);
    private final AtomicInteger nextMessageId = new AtomicInteger(1000);

    FakeBotApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/bot" + TOKEN + "/", this::handle);
        server.start();
    }

    /** The base the library is given: it appends the token and the method. */
    String apiUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/bot";
    }

    /** Queues a text message from a user in a chat of the given type. */
    void userWrites(long chatId, String chatType, String text) {
        ObjectNode update = JSON.createObjectNode();
        update.put("update_id", nextUpdateId.getAndIncrement());
        ObjectNode message = update.putObject("message");
        message.put("message_id", nextMessageId.getAndIncrement());
        message.put("date", 1_764_000_000);
        message.put("text", text);
        message.putObject("chat").put("id", chatId).put("type", chatType).put("first_name", "Test");
        message.putObject("from").put("id", chatId).put("is_bot", false).put("first_name", "Test");
        pending.add(update);
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = path.substring(path.lastIndexOf('/') + 1);
        Map<String, String> params = params(exchange);
        if (!method.equals("getUpdates")) {
            calls.add(new Call(method, params));
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.put("ok", true);
        switch (method) {
            case "getUpdates" -> {
                int offset = Integer.parseInt(params.getOrDefault("offset", "0"));
                ArrayNode result = reply.putArray("result");
                for (Iterator<ObjectNode> it = pending.iterator(); it.hasNext();) {
                    ObjectNode update = it.next();
                    if (update.get("update_id").asInt() >= offset) {
                        result.add(update);
                    }
                }
                pending.removeIf(u -> u.get("update_id").asInt() < offset);
                if (result.isEmpty()) {
                    // Long polling, shortened: a little wait instead of the requested timeout.
                    sleep(50);
                }
            }
            case "sendMessage", "editMessageText" -> {
                ObjectNode message = reply.putObject("result");
                message.put("message_id", method.equals("sendMessage") ? nextMessageId.getAndIncrement()
                        : Integer.parseInt(params.get("message_id")));
                message.put("date", 1_764_000_000);
                message.put("text", params.get("text"));
                message.putObject("chat").put("id", Long.parseLong(params.get("chat_id"))).put("type", "private");
            }
            default -> {
                reply.put("ok", false);
                reply.put("error_code", 404);
                reply.put("description", "Not Found: method " + method);
            }
        }
        byte[] body = JSON.writeValueAsBytes(reply);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private static Map<String, String> params(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, String> params = new LinkedHashMap<>();
        if (type != null && type.startsWith("application/json")) {
            JsonNode node = JSON.readTree(body);
            node.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().isTextual()
                    ? e.getValue().textValue() : e.getValue().toString()));
        } else if (!body.isEmpty()) {
            for (String pair : body.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** The texts the bot sent or edited into one chat, in order. */
    List<String> textsTo(long chatId) {
        List<String> texts = new ArrayList<>();
        for (Call call : calls) {
            if (String.valueOf(chatId).equals(call.params().get("chat_id")) && call.params().containsKey("text")) {
                texts.add(call.params().get("text"));
            }
        }
        return texts;
    }
}
