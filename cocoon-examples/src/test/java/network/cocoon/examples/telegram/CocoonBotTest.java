package network.cocoon.examples.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pengrad.telegrambot.TelegramBot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import network.cocoon.examples.local.LocalWorker;
import network.cocoon.sdk.CocoonClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot with the real Bot API library and a real worker on loopback; only Telegram is replaced, by a local
 * server that speaks its JSON.
 */
class CocoonBotTest {
    private static final long ALICE = 4242;
    private static final long GROUP = -100777;

    @TempDir
    Path state;

    @Test
    void answersPrivateMessagesVerifiedAndReportsTheChatsSpend() throws Exception {
        try (LocalWorker worker = LocalWorker.start(Path.of("..").resolve(LocalWorker.BUNDLED_MODEL));
             CocoonClient client = CocoonClient.builder().endpoint(worker.endpoint()).policy(worker.policy())
                     .payment(LocalWorker.devChannel(state)).build();
             FakeBotApi telegram = new FakeBotApi()) {
            TelegramBot api = new TelegramBot.Builder(FakeBotApi.TOKEN).apiUrl(telegram.apiUrl()).build();
            CocoonBot bot = new CocoonBot(api, client, new BotSettings(Duration.ZERO, 0, 16, 0));
            try {
                telegram.userWrites(ALICE, "private", "/start");
                telegram.userWrites(ALICE, "private", "123+456");
                telegram.userWrites(GROUP, "supergroup", "1+1");
                bot.pollOnce();
                awaitFinalAnswers(telegram, ALICE, 1);
                telegram.userWrites(ALICE, "private", "88+12");
                bot.pollOnce();
                awaitFinalAnswers(telegram, ALICE, 2);
                telegram.userWrites(ALICE, "private", "/spend");
                bot.pollOnce();
            } finally {
                bot.close();
            }

            List<String> texts = telegram.textsTo(ALICE);
            assertEquals(CocoonBot.HELP, texts.get(0));
            List<String> answers = texts.stream().filter(t -> t.contains("✓ verified")).toList();
            assertEquals(2, answers.size(), texts.toString());
            assertTrue(answers.get(0).startsWith("579\n\n✓ verified: signed by the attested worker (dev), paid "),
                    answers.get(0));
            assertTrue(answers.get(1).startsWith("100\n\n"), answers.get(1));
            long first = amount(answers.get(0));
            long second = amount(answers.get(1));
            assertEquals(first + second, bot.spent(ALICE));
            assertEquals("This chat has spent " + (first + second) + " nanotons (" + java.math.BigDecimal.valueOf(
                    first + second).movePointLeft(9).stripTrailingZeros().toPlainString()
                    + " TON) on 2 answers, by the workers' signed receipts.", texts.get(texts.size() - 1));
            // The reply streamed: a placeholder, then edits of the same message.
            var sends = telegram.calls("sendMessage");
            assertTrue(sends.stream().anyMatch(c -> c.params().get("text").equals(CocoonBot.PLACEHOLDER)));
            assertTrue(telegram.calls("editMessageText").size() >= 2);
            // Group chats are not answered, and nothing went to them.
            assertTrue(telegram.textsTo(GROUP).isEmpty());
            assertEquals(0, bot.spent(GROUP));
        }
    }

    @Test
    void anUnverifiableWorkerGetsAFixedRefusalAndNoSpend() throws Exception {
        try (LocalWorker worker = LocalWorker.start(Path.of("..").resolve(LocalWorker.BUNDLED_MODEL));
             CocoonClient client = CocoonClient.builder().endpoint(worker.endpoint())
                     .policy(network.cocoon.sdk.attestation.AttestationPolicy.builder()
                             .allowInsecureDevelopmentEvidence(new byte[32]).allowModel(worker.model().digest())
                             .build())
                     .payment(LocalWorker.devChannel(state)).build();
             FakeBotApi telegram = new FakeBotApi()) {
            TelegramBot api = new TelegramBot.Builder(FakeBotApi.TOKEN).apiUrl(telegram.apiUrl()).build();
            CocoonBot bot = new CocoonBot(api, client, new BotSettings(Duration.ZERO, 0, 16, 0));
            try {
                telegram.userWrites(ALICE, "private", "what is my secret 7+7");
                bot.pollOnce();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (telegram.textsTo(ALICE).stream().noneMatch(t -> t.startsWith("⚠"))) {
                    assertTrue(System.nanoTime() < deadline, "no refusal within 60 s");
                    Thread.sleep(20);
                }
            } finally {
                bot.close();
            }
            List<String> texts = telegram.textsTo(ALICE);
            assertEquals("⚠ No answer: the worker's attestation did not pass the policy. Nothing shown here"
                    + " earlier was verified.", texts.get(texts.size() - 1));
            assertTrue(texts.stream().noneMatch(t -> t.contains("secret")), texts.toString());
            assertEquals(0, bot.spent(ALICE));
        }
    }

    @Test
    void longAnswersAreCutToOneTelegramMessageWithTheFooterWhole() {
        String footer = "\n\n✓ verified";
        String fitted = CocoonBot.fit("x".repeat(5000), footer);
        assertEquals(CocoonBot.MAX_TEXT, fitted.length());
        assertTrue(fitted.endsWith("…" + footer));
    }

    private static long amount(String answer) {
        var m = java.util.regex.Pattern.compile("paid (\\d+) nanotons").matcher(answer);
        assertTrue(m.find(), answer);
        return Long.parseLong(m.group(1));
    }

    /** Waits (bounded) until the chat has the given number of final, verified replies. */
    private static void awaitFinalAnswers(FakeBotApi telegram, long chat, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (telegram.textsTo(chat).stream().filter(t -> t.contains("✓ verified")).count() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no verified answer within 60 s: " + telegram.textsTo(chat));
            }
            Thread.sleep(20);
        }
    }
}
