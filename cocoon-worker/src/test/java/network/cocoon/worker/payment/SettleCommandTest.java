package network.cocoon.worker.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.ton.TonHttpApi;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ton.ton4j.cell.Cell;

/** The operator's settle command on a real ledger: lists what it is owed, and sends the close through a TON API. */
class SettleCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsChannelsAndSendsTheCloseFromTheOperatorWallet() throws Exception {
        byte[] seed = new byte[32];
        seed[0] = 7;
        Ed25519KeyPair operatorKey = Ed25519KeyPair.fromSeed(seed);
        Path seedFile = dir.resolve("operator.seed");
        Files.writeString(seedFile, HexFormat.of().formatHex(seed));
        Path ledger = dir.resolve("ledger.db");
        String channel;
        long charged = 0;
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("ok"), ledger, operatorKey, 1_000_000_000L);
             CocoonClient client = worker.client(PaidWorker.channel(Ed25519KeyPair.generate(),
                     PaymentChannel.randomChannelId(), 1_000_000_000L, 10_000_000L, SpendStore.inMemory()).build())) {
            for (int i = 0; i < 3; i++) {
                charged = client.chat(ChatRequest.builder().user("1+" + i).maxTokens(4).build()).payment()
                        .orElseThrow().owed();
            }
            channel = client.payments().get(0).address().toString();
        }
        Map<String, String> options = new HashMap<>(Map.of("ledger", ledger.toString(),
                "channel-key-seed", seedFile.toString(), "payout", PaidWorker.PAYOUT.toString(),
                "quarantine-duration", "3600"));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        assertEquals(0, SettleCommand.run(options, new PrintStream(buffer, true, StandardCharsets.UTF_8), null));
        String listed = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(listed.contains("channel " + channel + " client " + PaidWorker.CLIENT_WALLET + " seqno 3"), listed);
        assertTrue(listed.contains("charged " + charged + " receipts 3"), listed);

        try (MockWebServer api = new MockWebServer()) {
            api.enqueue(new MockResponse().setBody("{\"ok\": true, \"result\": {\"exit_code\": 0, \"stack\": "
                    + "[[\"num\", \"0x4\"]]}}"));
            api.enqueue(new MockResponse().setBody("{\"ok\": true, \"result\": {\"@type\": \"ok\"}}"));
            api.start();
            options.put("action", "start");
            options.put("channel", channel);
            buffer.reset();
            assertEquals(0, SettleCommand.run(options, new PrintStream(buffer, true, StandardCharsets.UTF_8),
                    new TonHttpApi(api.url("/jsonRPC"), null, new OkHttpClient())));
            assertTrue(buffer.toString(StandardCharsets.UTF_8).startsWith("sent start for " + channel));
            var seqno = new ObjectMapper().readTree(api.takeRequest().getBody().readUtf8());
            assertEquals("seqno", seqno.at("/params/method").asText());
            var send = new ObjectMapper().readTree(api.takeRequest().getBody().readUtf8());
            assertEquals("sendBoc", send.get("method").asText());
            Cell external = Cell.fromBoc(Base64.getDecoder().decode(send.at("/params/boc").asText()));
            assertEquals(1, external.getRefs().size(),
                    "a deployed wallet's external message: no StateInit, its signed body by reference");
        }
        options.put("action", "cooperative");
        options.put("deposit", "1000000000");
        buffer.reset();
        assertEquals(0, SettleCommand.run(options, new PrintStream(buffer, true, StandardCharsets.UTF_8), null));
        assertTrue(buffer.toString(StandardCharsets.UTF_8).contains("operator signature "));
        options.put("channel", PaidWorker.CLIENT_WALLET.toString());
        assertEquals(1, SettleCommand.run(options, new PrintStream(buffer, true, StandardCharsets.UTF_8), null));
    }
}
