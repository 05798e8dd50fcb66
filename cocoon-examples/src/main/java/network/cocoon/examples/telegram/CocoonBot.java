package network.cocoon.examples.telegram;

import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.model.Chat;
import com.pengrad.telegrambot.model.Message;
import com.pengrad.telegrambot.model.Update;
import com.pengrad.telegrambot.model.request.ReplyParameters;
import com.pengrad.telegrambot.request.EditMessageText;
import com.pengrad.telegrambot.request.GetUpdates;
import com.pengrad.telegrambot.request.SendMessage;
import com.pengrad.telegrambot.response.BaseResponse;
import com.pengrad.telegrambot.response.GetUpdatesResponse;
import com.pengrad.telegrambot.response.SendResponse;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.CocoonException;
import network.cocoon.sdk.IntegrityException;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.TransportException;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.chat.ChatRequest;

/**
 * A Telegram bot that answers each private message through the SDK: the question is sealed to an attested
 * worker, the answer streams into the reply by editing it, and the reply ends with what was verified and paid.
 * {@code /spend} reports what the chat has spent by the workers' signed receipts. Long polling, so it needs no
 * public address.
 *
 * <p>Nothing a user writes is logged or stored; the per-chat totals live in memory.
 */
public final class CocoonBot implements AutoCloseable {
    /** Telegram refuses longer message texts. */
    static final int MAX_TEXT = 4096;
    static final String PLACEHOLDER = "…";
    static final String HELP = "Ask me anything: your message is encrypted to an attested worker's key, and I show"
            + " the answer only if its signature checks out.\n/spend shows what this chat has spent.";
    private static final System.Logger LOG = System.getLogger(CocoonBot.class.getName());

    private final TelegramBot bot;
    private final CocoonClient client;
    private final BotSettings settings;
    private final ChatSpend spend = new ChatSpend();
    private final ExecutorService answering = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "cocoon-bot-answer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running = true;
    private int offset;

    /**
     * @param bot a Bot API client (its token, and its API URL when not Telegram's)
     * @param client the SDK client every answer goes through
     * @param settings how to poll and answer
     */
    public CocoonBot(TelegramBot bot, CocoonClient client, BotSettings settings) {
        this.bot = bot;
        this.client = client;
        this.settings = settings;
    }

    /** Polls and answers until {@link #close()}. */
    public void run() {
        while (running) {
            if (!pollOnce()) {
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    /** One {@code getUpdates} round; returns whether Telegram answered. */
    boolean pollOnce() {
        GetUpdatesResponse response = bot.execute(new GetUpdates().offset(offset).timeout(settings.pollTimeoutSeconds())
                .limit(100).allowedUpdates("message"));
        if (!response.isOk() || response.updates() == null) {
            // Status and Telegram's own description only: never a message's text.
            LOG.log(System.Logger.Level.WARNING, "getUpdates failed: {0} {1}", response.errorCode(),
                    response.description());
            return false;
        }
        for (Update update : response.updates()) {
            offset = Math.max(offset, update.updateId() + 1);
            Message message = update.message();
            if (message != null && message.text() != null && message.chat().type() == Chat.Type.Private) {
                handle(message);
            }
        }
        return true;
    }

    /** What the chat has spent, by the receipts of its answers. */
    public long spent(long chatId) {
        return spend.of(chatId).nanotons();
    }

    private void handle(Message message) {
        long chatId = message.chat().id();
        String text = message.text().strip();
        if (text.equals("/start") || text.equals("/help")) {
            send(chatId, message.messageId(), HELP);
        } else if (text.equals("/spend")) {
            send(chatId, message.messageId(), spendText(spend.of(chatId)));
        } else {
            answering.execute(() -> answer(chatId, message.messageId(), text));
        }
    }

    static String spendText(ChatSpend.Total total) {
        BigDecimal ton = BigDecimal.valueOf(total.nanotons()).movePointLeft(9).stripTrailingZeros();
        return "This chat has spent " + total.nanotons() + " nanotons (" + ton.toPlainString() + " TON) on "
                + total.answers() + (total.answers() == 1 ? " answer" : " answers")
                + ", by the workers' signed receipts.";
    }

    private void answer(long chatId, int questionId, String question) {
        Integer replyId = send(chatId, questionId, PLACEHOLDER);
        if (replyId == null) {
            return;
        }
        StringBuilder shown = new StringBuilder();
        long[] lastEdit = {System.nanoTime()};
        String[] lastText = {PLACEHOLDER};
        try {
            VerifiedCompletion answer = client.chatStream(ChatRequest.builder().user(question)
                    .maxTokens(settings.maxTokens()).temperature(settings.temperature()).build(), delta -> {
                        shown.append(delta);
                        long now = System.nanoTime();
                        if (now - lastEdit[0] >= settings.editInterval().toNanos()) {
                            String partial = fit(shown + " " + PLACEHOLDER);
                            if (!partial.equals(lastText[0]) && edit(chatId, replyId, partial)) {
                                lastText[0] = partial;
                            }
                            lastEdit[0] = now;
                        }
                    });
            String footer = "\n\n✓ verified: signed by the attested worker (" + answer.verification().platform()
                    + ")";
            if (answer.payment().isPresent()) {
                long amount = answer.payment().get().amount();
                spend.add(chatId, amount);
                footer += ", paid " + amount + " nanotons";
            }
            String content = answer.content().isEmpty() ? "(empty answer)" : answer.content();
            edit(chatId, replyId, fit(content, footer));
        } catch (CocoonException e) {
            edit(chatId, replyId, refusal(e));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "answering failed: {0}", e.getClass().getName());
            edit(chatId, replyId, "⚠ No answer: an internal error. Nothing shown here was verified.");
        }
    }

    /** A fixed text per failure: what the user may rely on, never the question. */
    static String refusal(CocoonException e) {
        String why = switch (e) {
            case AttestationException a -> "the worker's attestation did not pass the policy";
            case IntegrityException i -> "the answer failed verification and was discarded";
            case PaymentException p -> "payment was refused (" + p.reason() + ")";
            case TransportException t -> "the worker could not be reached";
            case WorkerRejectedException w -> "the worker refused the request (" + w.code().wireName() + ")";
        };
        return "⚠ No answer: " + why + ". Nothing shown here earlier was verified.";
    }

    static String fit(String text) {
        return fit(text, "");
    }

    /** The text cut to fit one Telegram message with the footer kept whole. */
    static String fit(String text, String footer) {
        int room = MAX_TEXT - footer.length();
        if (text.length() > room) {
            text = text.substring(0, room - 1) + "…";
        }
        return text + footer;
    }

    private Integer send(long chatId, int replyTo, String text) {
        SendResponse response = bot.execute(new SendMessage(chatId, text)
                .replyParameters(new ReplyParameters(replyTo)));
        if (!response.isOk() || response.message() == null) {
            LOG.log(System.Logger.Level.WARNING, "sendMessage failed: {0} {1}", response.errorCode(),
                    response.description());
            return null;
        }
        return response.message().messageId();
    }

    private boolean edit(long chatId, int messageId, String text) {
        BaseResponse response = bot.execute(new EditMessageText(chatId, messageId, text));
        if (!response.isOk()) {
            LOG.log(System.Logger.Level.WARNING, "editMessageText failed: {0} {1}", response.errorCode(),
                    response.description());
        }
        return response.isOk();
    }

    private static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops polling and waits up to ten seconds for answers in flight. */
    @Override
    public void close() {
        running = false;
        answering.shutdown();
        try {
            answering.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        bot.shutdown();
    }
}
