package network.cocoon.sdk.ton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.Base64;
import java.util.List;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.ton.TonApiException.Reason;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JSON-RPC calls as a TON HTTP API expects them, and every answer that is not a result refused by kind. */
class TonHttpApiTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TonAddress ACCOUNT = TonAddress.parse("0:" + "ab".repeat(32), "account");

    MockWebServer server;
    TonHttpApi api;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        api = new TonHttpApi(server.url("/api/v2/jsonRPC"), "secret-key", new OkHttpClient());
    }

    @AfterEach
    void stop() throws Exception {
        server.shutdown();
    }

    static MockResponse json(int status, String body) {
        return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
    }

    @Test
    void runGetMethodSendsJsonRpcAndParsesEveryStackShape() throws Exception {
        String cell = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3});
        server.enqueue(json(200, """
                {"ok": true, "result": {"@type": "smc.runResult", "gas_used": 1, "exit_code": 0, "stack": [
                  ["num", "0x1f"], ["num", "-0x2"], ["cell", {"bytes": "%s", "object": {}}], ["null", null],
                  ["tuple", {"@type": "tvm.tuple", "elements": [
                    {"@type": "tvm.stackEntryNumber", "number": {"@type": "tvm.numberDecimal", "number": "-7"}},
                    {"@type": "tvm.stackEntrySlice", "slice": {"@type": "tvm.slice", "bytes": "%s"}},
                    {"@type": "tvm.stackEntryTuple", "tuple": {"@type": "tvm.tuple", "elements": []}},
                    {"@type": "tvm.stackEntryNull"}]}]]}, "id": 1, "jsonrpc": "2.0"}""".formatted(cell, cell)));
        List<TvmValue> stack = api.runGetMethod(ACCOUNT, "get_channel_data");
        assertEquals(new TvmValue.Num(BigInteger.valueOf(31)), stack.get(0));
        assertEquals(new TvmValue.Num(BigInteger.valueOf(-2)), stack.get(1));
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), List.of(((TvmValue.CellValue) stack.get(2)).boc()[0],
                ((TvmValue.CellValue) stack.get(2)).boc()[1], ((TvmValue.CellValue) stack.get(2)).boc()[2]));
        assertEquals(new TvmValue.Null(), stack.get(3));
        var tuple = ((TvmValue.Tuple) stack.get(4)).elements();
        assertEquals(new TvmValue.Num(BigInteger.valueOf(-7)), tuple.get(0));
        assertEquals(new TvmValue.Tuple(List.of()), tuple.get(2));

        RecordedRequest request = server.takeRequest();
        assertEquals("POST", request.getMethod());
        assertEquals("/api/v2/jsonRPC", request.getPath());
        assertEquals("secret-key", request.getHeader("X-API-Key"));
        JsonNode body = JSON.readTree(request.getBody().readUtf8());
        assertEquals("2.0", body.get("jsonrpc").asText());
        assertEquals("runGetMethod", body.get("method").asText());
        assertEquals(ACCOUNT.toString(), body.at("/params/address").asText());
        assertEquals("get_channel_data", body.at("/params/method").asText());
        assertEquals(0, body.at("/params/stack").size());
    }

    @Test
    void sendBocPostsTheMessage() throws Exception {
        server.enqueue(json(200, "{\"ok\": true, \"result\": {\"@type\": \"ok\"}}"));
        api.sendBoc(new byte[] {(byte) 0xb5, (byte) 0xee});
        JsonNode body = JSON.readTree(server.takeRequest().getBody().readUtf8());
        assertEquals("sendBoc", body.get("method").asText());
        assertEquals("te4=", body.at("/params/boc").asText());
    }

    @Test
    void failuresAreTypedByKind() throws Exception {
        String[][] cases = {
            {"500", "{\"ok\": false, \"error\": \"internal\", \"code\": 500}", "API_ERROR"},
            {"502", "<html>bad gateway</html>", "API_ERROR"},
            {"200", "{\"ok\": false, \"error\": \"LITE_SERVER_UNKNOWN\"}", "API_ERROR"},
            {"200", "{\"ok\": true, \"result\": {\"exit_code\": -13, \"stack\": []}}", "EXIT_CODE"},
            {"200", "{\"ok\": true, \"result\": {\"exit_code\": 0, \"stack\": [[\"dict\", {}]]}}",
                "MALFORMED_RESPONSE"},
            {"200", "{\"ok\": true, \"result\": {\"exit_code\": 0, \"stack\": [[\"num\", \"12\"]]}}",
                "MALFORMED_RESPONSE"},
            {"200", "{\"ok\": true, \"result\": {\"exit_code\": 0}}", "MALFORMED_RESPONSE"},
            {"200", "not json", "MALFORMED_RESPONSE"},
            {"200", "{\"ok\": true, \"result\": {\"exit_code\": 0, \"stack\": [[\"tuple\", {\"elements\": ["
                + "{\"@type\": \"tvm.stackEntryCont\"}]}]]}}", "MALFORMED_RESPONSE"},
        };
        for (String[] c : cases) {
            server.enqueue(json(Integer.parseInt(c[0]), c[1]));
            var e = assertThrows(TonApiException.class, () -> api.runGetMethod(ACCOUNT, "get_channel_data"), c[1]);
            assertEquals(Reason.valueOf(c[2]), e.reason(), c[1]);
        }
        server.shutdown();
        var down = assertThrows(TonApiException.class, () -> api.runGetMethod(ACCOUNT, "get_channel_data"));
        assertEquals(Reason.UNREACHABLE, down.reason());
    }

    @Test
    void walletSeqnoIsReadAndZeroBeforeDeployment() {
        WalletV4 wallet = new WalletV4(network.cocoon.sdk.crypto.Ed25519KeyPair.generate());
        server.enqueue(json(200, "{\"ok\": true, \"result\": {\"exit_code\": 0, \"stack\": [[\"num\", \"0x5\"]]}}"));
        assertEquals(5, wallet.seqno(api));
        server.enqueue(json(200, "{\"ok\": true, \"result\": {\"exit_code\": -13, \"stack\": []}}"));
        assertEquals(0, wallet.seqno(api));
        server.enqueue(json(200, "{\"ok\": true, \"result\": {\"exit_code\": 0, \"stack\": []}}"));
        assertEquals(Reason.MALFORMED_RESPONSE, assertThrows(TonApiException.class, () -> wallet.seqno(api)).reason());
    }
}
