package network.cocoon.examples.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import network.cocoon.examples.local.LocalWorker;
import network.cocoon.sdk.CocoonClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenAI's own Java client, unchanged, against the gateway in front of a real worker on loopback. */
class OpenAiGatewayTest {
    private static final String KEY = "test-gateway-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;

    private static LocalWorker worker;
    private static CocoonClient cocoon;
    private static OpenAiGateway gateway;
    private static OpenAIClient openai;

    @BeforeAll
    static void start() throws IOException {
        worker = LocalWorker.start(Path.of("..").resolve(LocalWorker.BUNDLED_MODEL));
        cocoon = CocoonClient.builder().endpoint(worker.endpoint()).policy(worker.policy())
                .payment(LocalWorker.devChannel(state.resolve("channels"))).build();
        gateway = OpenAiGateway.start(new InetSocketAddress("127.0.0.1", 0), cocoon, Optional.of(KEY));
        openai = OpenAIOkHttpClient.builder().baseUrl(gateway.endpoint() + "/v1").apiKey(KEY).maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        gateway.close();
        cocoon.close();
        worker.close();
    }

    private static ChatCompletionCreateParams.Builder ask(String question) {
        return ChatCompletionCreateParams.builder().model("cocoon-add-tiny").addUserMessage(question)
                .maxCompletionTokens(16).temperature(0.0);
    }

    @Test
    void listsTheAttestedModel() {
        List<Model> models = openai.models().list().data();
        assertEquals(1, models.size());
        assertEquals("cocoon-add-tiny", models.get(0).id());
    }

    @Test
    void answersSingleShotWithWhatWasVerifiedAndPaid() {
        ChatCompletion completion = openai.chat().completions().create(ask("123+456").build());
        assertEquals("579", completion.choices().get(0).message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, completion.choices().get(0).finishReason());
        var usage = completion.usage().orElseThrow();
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
        JsonValue cocoonInfo = completion._additionalProperties().get("cocoon");
        JsonNode info = JSON.valueToTree(cocoonInfo.convert(Object.class));
        assertTrue(info.get("verified").asBoolean());
        assertEquals(worker.model().digest(), info.get("model_digest").asText());
        long expected = (usage.promptTokens() * 100_000 + usage.completionTokens() * 200_000) / 1000;
        assertEquals(expected, info.at("/payment/amount_nanotons").asLong());
    }

    @Test
    void streamsAsServerSentEvents() {
        StringBuilder text = new StringBuilder();
        int[] chunks = {0};
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(
                ask("88+12").build())) {
            stream.stream().forEach(chunk -> {
                chunks[0]++;
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        assertEquals("100", text.toString());
        assertTrue(chunks[0] >= 3, "role, content and final chunks: " + chunks[0]);
    }

    @Test
    void anotherModelIsNotFoundInOpenAisShape() {
        NotFoundException e = assertThrows(NotFoundException.class,
                () -> openai.chat().completions().create(ask("1+1").model("gpt-4o").build()));
        assertEquals(404, e.statusCode());
        assertEquals(Optional.of("model_not_found"), e.code());
        assertEquals(Optional.of("model"), e.param());
    }

    @Test
    void aParameterTheWorkerCannotHonourIsRefusedByName() {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> openai.chat().completions().create(ask("1+1").n(2).build()));
        assertTrue(e.getMessage().contains("'n' is not supported"), e.getMessage());
    }

    @Test
    void aWrongApiKeyIsRefused() {
        OpenAIClient stranger = OpenAIOkHttpClient.builder().baseUrl(gateway.endpoint() + "/v1")
                .apiKey("not-the-key").maxRetries(0).build();
        try {
            assertThrows(UnauthorizedException.class, () -> stranger.models().list());
        } finally {
            stranger.close();
        }
    }

    @Test
    void errorsHaveOpenAisShapeAndNoRequestContent() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(gateway.endpoint() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"cocoon-add-tiny\",\"messages\":"
                        + "[{\"role\":\"wizard\",\"content\":\"secret question\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        JsonNode error = JSON.readTree(response.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").asText());
        assertEquals("messages[0].role", error.get("param").asText());
        assertTrue(!response.body().contains("secret") && !response.body().contains("wizard"), response.body());
    }

    @Test
    void aNonLoopbackAddressNeedsAnApiKey() {
        var e = assertThrows(IllegalArgumentException.class, () -> OpenAiGateway.start(
                new InetSocketAddress("0.0.0.0", 0), cocoon, Optional.empty()));
        assertTrue(e.getMessage().contains("needs an API key"), e.getMessage());
    }
}
