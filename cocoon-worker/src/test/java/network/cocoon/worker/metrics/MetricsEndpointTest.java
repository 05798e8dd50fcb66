package network.cocoon.worker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.worker.testing.FixedAnswerEngine;
import network.cocoon.worker.testing.PaidWorker;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} scraped and parsed as Prometheus would, after real paid and refused requests. */
class MetricsEndpointTest {
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) (\\S+)$");

    @TempDir
    Path dir;

    /** Every sample line, by name and labels; comments checked for well-formedness. */
    static Map<String, Double> parse(String text) {
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE "), line);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a Prometheus sample: " + line);
            samples.put(m.group(1), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    @Test
    void metricsCountRequestsTokensLatenciesAndEarnings() throws Exception {
        OkHttpClient http = new OkHttpClient();
        try (PaidWorker worker = new PaidWorker(new FixedAnswerEngine("fine"), dir.resolve("ledger.db"),
                Ed25519KeyPair.generate(), 1_000_000_000L);
             CocoonClient client = worker.client(PaidWorker.channel(Ed25519KeyPair.generate(),
                     PaymentChannel.randomChannelId(), 1_000_000_000L, 10_000_000L, SpendStore.inMemory()).build())) {
            long earned = 0;
            long prompt = 0;
            long completion = 0;
            for (int i = 0; i < 3; i++) {
                ChatRequest request = ChatRequest.builder().user("question " + i).maxTokens(8).build();
                var answer = i == 1 ? client.chatStream(request, t -> { }) : client.chat(request);
                earned += answer.payment().orElseThrow().amount();
                prompt += answer.completion().usage().promptTokens();
                completion += answer.completion().usage().completionTokens();
            }
            try (Response refused = http.newCall(new Request.Builder().url(worker.server.endpoint() + "/v1/sealed")
                    .post(RequestBody.create(new byte[] {1, 2, 3}, MediaType.get("text/plain"))).build()).execute()) {
                assertEquals(415, refused.code());
            }
            String text;
            try (Response scrape = http.newCall(new Request.Builder().url(worker.server.endpoint() + "/metrics")
                    .build()).execute()) {
                assertEquals(200, scrape.code());
                assertTrue(scrape.header("Content-Type", "").startsWith("text/plain"), scrape.header("Content-Type"));
                text = scrape.body().string();
            }
            Map<String, Double> m = parse(text);
            assertEquals(3.0, m.get("cocoon_requests_total{outcome=\"ok\"}"), text);
            assertEquals(1.0, m.get("cocoon_requests_total{outcome=\"unsupported_media_type\"}"), text);
            assertEquals((double) prompt, m.get("cocoon_tokens_total{kind=\"prompt\"}"), text);
            assertEquals((double) completion, m.get("cocoon_tokens_total{kind=\"completion\"}"), text);
            assertEquals((double) earned, m.get("cocoon_earnings_nanotons_total"), text);
            assertEquals(3.0, m.get("cocoon_time_to_first_token_seconds_count"), text);
            assertEquals(3.0, m.get("cocoon_time_per_token_seconds_count"), text);
            assertEquals(0.0, m.get("cocoon_queue_depth"), text);
            assertTrue(earned > 0, "the requests were paid");
        }
    }
}
