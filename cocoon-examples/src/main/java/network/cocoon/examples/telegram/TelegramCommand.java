package network.cocoon.examples.telegram;

import com.pengrad.telegrambot.TelegramBot;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import network.cocoon.examples.connect.ClientOptions;
import network.cocoon.examples.connect.WorkerConnection;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cocoon telegram}: runs the bot with long polling until stopped. */
@Command(name = "telegram", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        usageHelpWidth = 110, description = "A Telegram bot that answers private messages through attested"
        + " workers, streaming by editing its reply; /spend shows the chat's spend. Needs a bot token from"
        + " @BotFather in the environment.")
public final class TelegramCommand implements Callable<Integer> {
    @Mixin
    ClientOptions connection;

    @Option(names = "--token-env", paramLabel = "NAME", defaultValue = "TELEGRAM_BOT_TOKEN",
            description = "the environment variable holding the bot token")
    String tokenEnv;

    @Option(names = "--api-url", paramLabel = "URL", defaultValue = "https://api.telegram.org/bot",
            description = "the Bot API base (a local Bot API server, for example)")
    String apiUrl;

    @Option(names = "--edit-interval", paramLabel = "MILLIS", defaultValue = "1000",
            description = "the least time between edits of a streaming reply")
    long editIntervalMillis;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256", description = "the most tokens per answer")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.7", description = "sampling temperature;"
            + " 0 is greedy")
    double temperature;

    @Override
    public Integer call() throws Exception {
        String token = System.getenv(tokenEnv);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("set " + tokenEnv + " to the bot's token from @BotFather");
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        int pollSeconds = 25;
        OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(pollSeconds + 15)).build();
        TelegramBot bot = new TelegramBot.Builder(token).apiUrl(apiUrl).okHttpClient(http).build();
        try (WorkerConnection worker = WorkerConnection.open(connection, out);
             CocoonBot cocoonBot = new CocoonBot(bot, worker.client(), new BotSettings(
                     Duration.ofMillis(editIntervalMillis), pollSeconds, maxTokens, temperature))) {
            var model = worker.client().verifyWorker().document().model();
            out.println("bot      polling Telegram; answering private messages with " + model.id()
                    + " (attested); stop with Ctrl-C");
            cocoonBot.run();
        }
        return 0;
    }
}
