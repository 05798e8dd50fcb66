package network.cocoon.sdk.ton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.ton.TonApiException.Reason;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * {@link TonApi} over a TON HTTP API's v2 JSON-RPC endpoint (toncenter's, or a self-hosted {@code ton-http-api}),
 * e.g. {@code https://toncenter.com/api/v2/jsonRPC}, with an optional API key sent as {@code X-API-Key}. Stacks
 * are parsed strictly: an entry type this class does not know is refused by name, never skipped.
 */
public final class TonHttpApi implements TonApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final int MAX_RESPONSE_BYTES = 1024 * 1024;
    private static final int MAX_DEPTH = 16;

    private final HttpUrl endpoint;
    private final String apiKey;
    private final OkHttpClient http;

    /**
     * A client of one endpoint.
     *
     * @param endpoint the JSON-RPC URL
     * @param apiKey the API key, or {@code null}
     * @param http the OkHttp client to use (its timeouts apply)
     */
    public TonHttpApi(HttpUrl endpoint, String apiKey, OkHttpClient http) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.apiKey = apiKey;
        this.http = Objects.requireNonNull(http, "http");
    }

    @Override
    public List<TvmValue> runGetMethod(TonAddress account, String method) {
        ObjectNode params = JSON.createObjectNode();
        params.put("address", account.toString());
        params.put("method", method);
        params.putArray("stack");
        JsonNode result = call("runGetMethod", params);
        JsonNode exitCode = result.get("exit_code");
        if (exitCode == null || !exitCode.isInt()) {
            throw malformed("result.exit_code");
        }
        if (exitCode.asInt() != 0) {
            throw new TonApiException(Reason.EXIT_CODE, method + " on " + account + " exited with code "
                    + exitCode.asInt(), null);
        }
        JsonNode stack = result.get("stack");
        if (stack == null || !stack.isArray()) {
            throw malformed("result.stack");
        }
        List<TvmValue> values = new ArrayList<>();
        for (JsonNode entry : stack) {
            values.add(topLevel(entry));
        }
        return values;
    }

    @Override
    public void sendBoc(byte[] externalMessage) {
        ObjectNode params = JSON.createObjectNode();
        params.put("boc", Base64.getEncoder().encodeToString(externalMessage));
        call("sendBoc", params);
    }

    private JsonNode call(String method, ObjectNode params) {
        ObjectNode request = JSON.createObjectNode();
        request.put("id", 1);
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        request.set("params", params);
        Request.Builder http = new Request.Builder().url(endpoint)
                .post(RequestBody.create(bytes(request), JSON_TYPE));
        if (apiKey != null) {
            http.header("X-API-Key", apiKey);
        }
        JsonNode body;
        int status;
        try (Response response = this.http.newCall(http.build()).execute()) {
            status = response.code();
            byte[] bytes = response.body() == null ? new byte[0]
                    : response.body().byteStream().readNBytes(MAX_RESPONSE_BYTES + 1);
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw malformed("the response is larger than " + MAX_RESPONSE_BYTES + " bytes");
            }
            try {
                body = JSON.readTree(bytes);
            } catch (IOException e) {
                if (status != 200) {
                    throw new TonApiException(Reason.API_ERROR, method + ": HTTP " + status, null);
                }
                throw malformed("the response is not JSON");
            }
        } catch (IOException e) {
            throw new TonApiException(Reason.UNREACHABLE, method + ": " + endpoint.host() + " did not answer", e);
        }
        if (body == null || !body.isObject()) {
            throw malformed("the response is not a JSON object");
        }
        if (status != 200 || !body.path("ok").asBoolean(false)) {
            String error = body.path("error").isTextual() ? body.get("error").asText() : "no error text";
            throw new TonApiException(Reason.API_ERROR, method + ": HTTP " + status + ", " + error, null);
        }
        JsonNode result = body.get("result");
        if (result == null) {
            throw malformed("result");
        }
        return result;
    }

    private static byte[] bytes(ObjectNode request) {
        try {
            return JSON.writeValueAsBytes(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** A top-level stack entry: {@code ["num", "0x..."]}, {@code ["cell", {"bytes": ...}]}, a tuple or list. */
    private static TvmValue topLevel(JsonNode entry) {
        if (!entry.isArray() || entry.size() != 2 || !entry.get(0).isTextual()) {
            throw malformed("stack entry: [type, value] expected");
        }
        String type = entry.get(0).asText();
        JsonNode value = entry.get(1);
        return switch (type) {
            case "num" -> {
                String text = value.asText();
                boolean negative = text.startsWith("-");
                String digits = negative ? text.substring(1) : text;
                if (!digits.matches("0x[0-9a-fA-F]{1,80}")) {
                    throw malformed("stack entry num: hexadecimal expected");
                }
                BigInteger n = new BigInteger(digits.substring(2), 16);
                yield new TvmValue.Num(negative ? n.negate() : n);
            }
            case "cell", "slice" -> new TvmValue.CellValue(bytes(value, type));
            case "tuple", "list" -> tuple(value, 1);
            case "null" -> new TvmValue.Null();
            // The API's text stays out of the message (it reaches logs); the field names the problem.
            default -> throw malformed("stack entry type is not one of num, cell, slice, tuple, list, null");
        };
    }

    /** A nested object: {@code tvm.tuple}, {@code tvm.list}, {@code tvm.stackEntry*}, numbers and cells. */
    private static TvmValue nested(JsonNode x, int depth) {
        if (depth > MAX_DEPTH) {
            throw malformed("stack nested deeper than " + MAX_DEPTH);
        }
        String type = x.path("@type").asText("");
        return switch (type) {
            case "tvm.tuple", "tvm.list" -> tuple(x, depth + 1);
            case "tvm.stackEntryTuple" -> nested(x.path("tuple"), depth + 1);
            case "tvm.stackEntryList" -> nested(x.path("list"), depth + 1);
            case "tvm.stackEntryNumber" -> nested(x.path("number"), depth + 1);
            case "tvm.stackEntryCell" -> new TvmValue.CellValue(bytes(x.path("cell"), type));
            case "tvm.stackEntrySlice" -> new TvmValue.CellValue(bytes(x.path("slice"), type));
            case "tvm.cell", "tvm.slice" -> new TvmValue.CellValue(bytes(x, type));
            case "tvm.numberDecimal" -> {
                String text = x.path("number").asText("");
                if (!text.matches("-?[0-9]{1,80}")) {
                    throw malformed("tvm.numberDecimal: decimal expected");
                }
                yield new TvmValue.Num(new BigInteger(text));
            }
            case "tvm.stackEntryNull" -> new TvmValue.Null();
            default -> throw malformed("stack object @type is not a supported tvm type");
        };
    }

    private static TvmValue tuple(JsonNode x, int depth) {
        JsonNode elements = x.get("elements");
        if (elements == null || !elements.isArray()) {
            throw malformed("tuple elements");
        }
        List<TvmValue> out = new ArrayList<>();
        for (JsonNode element : elements) {
            out.add(nested(element, depth));
        }
        return new TvmValue.Tuple(out);
    }

    private static byte[] bytes(JsonNode x, String what) {
        JsonNode bytes = x.get("bytes");
        if (bytes == null || !bytes.isTextual()) {
            throw malformed(what + ": bytes expected");
        }
        try {
            return Base64.getDecoder().decode(bytes.asText());
        } catch (IllegalArgumentException e) {
            throw malformed(what + ": bytes are not base64");
        }
    }

    private static TonApiException malformed(String what) {
        return new TonApiException(Reason.MALFORMED_RESPONSE, "unexpected TON API response: " + what, null);
    }
}
