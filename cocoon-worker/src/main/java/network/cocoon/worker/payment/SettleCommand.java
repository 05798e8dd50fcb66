package network.cocoon.worker.payment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.ChannelMessages;
import network.cocoon.sdk.payment.ClosingConfig;
import network.cocoon.sdk.payment.TonAddress;
import network.cocoon.sdk.protocol.PaymentTerms;
import network.cocoon.sdk.ton.TonApi;
import network.cocoon.sdk.ton.TonHttpApi;

/**
 * {@code java -jar cocoon-worker.jar settle --action list|start|finish|cooperative [options]}: the operator's
 * side of getting paid, from the worker's ledger.
 * <pre>
 *   --ledger FILE            the worker's ledger (cocoon-ledger.db)
 *   --channel-key-seed FILE  the operator's channel key seed, as the worker used it (required)
 *   --payout ADDRESS         the operator's payout, as the worker attested it (required)
 *   --quarantine-duration S --misbehavior-fine N --excess-fee N   the worker's channel terms (3600, 0, 0)
 *   --action list            every channel: its client, latest promise and what the receipts charged
 *   --action start --channel ADDRESS --ton-api URL    start an uncooperative close with the latest promise
 *   --action finish --channel ADDRESS --ton-api URL   finish it once the quarantine is over
 *   --action cooperative --channel ADDRESS --deposit N
 *                            the close at the receipts' total and the operator's signature, for the client to sign
 *   --ton-api-key-file FILE  the TON HTTP API's key, if it needs one
 * </pre>
 * Messages go from the operator's wallet (the standard wallet v4r2 of the channel key, printed by {@code list}),
 * which must hold TON for the fees.
 */
public final class SettleCommand {
    private SettleCommand() {
    }

    /** What to do. */
    public enum Action { list, start, finish, cooperative }

    /** Runs the command; returns the exit status. */
    public static int run(Map<String, String> options, PrintStream out, TonApi api) throws IOException {
        if (!options.containsKey("channel-key-seed") || !options.containsKey("payout")) {
            out.println("settle needs --channel-key-seed and --payout, as the worker used them");
            return 2;
        }
        PaymentSettings settings = new PaymentSettings(PaymentTerms.MODE_TON,
                Ed25519KeyPair.fromSeed(HexFormat.of().parseHex(
                        Files.readString(Path.of(options.get("channel-key-seed"))).trim())),
                TonAddress.parse(options.get("payout"), "--payout"),
                new ClosingConfig(Long.parseLong(options.getOrDefault("quarantine-duration", "3600")),
                        Long.parseLong(options.getOrDefault("misbehavior-fine", "0")), 0),
                Long.parseLong(options.getOrDefault("excess-fee", "0")),
                Path.of(options.getOrDefault("ledger", "cocoon-ledger.db")));
        String action = options.getOrDefault("action", "list");
        try (PaymentLedger ledger = PaymentLedger.open(settings.ledger())) {
            ChannelSettlement settlement = new ChannelSettlement(ledger, settings);
            if (action.equals("list")) {
                out.println("operator wallet " + settlement.operatorWallet().address());
                for (TonAddress channel : ledger.channels()) {
                    var state = ledger.channel(channel).orElseThrow();
                    out.println("channel " + channel + " client " + state.clientAddress() + " seqno " + state.seqno()
                            + " promised " + state.sent() + " charged " + state.charged() + " receipts "
                            + ledger.receipts(channel).size());
                }
                return 0;
            }
            if (!options.containsKey("channel")) {
                out.println("--action " + action + " needs --channel");
                return 2;
            }
            TonAddress channel = TonAddress.parse(options.get("channel"), "--channel");
            if (settlement.parameters(channel).isEmpty()) {
                out.println("the ledger holds no promise on " + channel);
                return 1;
            }
            switch (action) {
                case "cooperative" -> {
                    long deposit = Long.parseLong(options.getOrDefault("deposit", "-1"));
                    if (deposit < 0) {
                        out.println("--action cooperative needs --deposit (the client's deposit, nanotons)");
                        return 2;
                    }
                    ChannelMessages.CooperativeClose close = settlement.cooperativeClose(channel, deposit)
                            .orElseThrow();
                    out.println("close hash " + HexFormat.of().formatHex(close.hash()));
                    out.println("operator signature " + HexFormat.of().formatHex(settlement.sign(close)));
                    return 0;
                }
                case "start", "finish" -> {
                    if (api == null) {
                        out.println("--action " + action + " needs --ton-api");
                        return 2;
                    }
                    byte[] body = action.equals("start") ? settlement.startUncooperativeClose(channel).orElseThrow()
                            : ChannelMessages.finishUncooperativeClose();
                    settlement.send(api, channel, body, Clock.systemUTC());
                    out.println("sent " + action + " for " + channel + " from " + settlement.operatorWallet().address());
                    return 0;
                }
                default -> {
                    out.println("--action must be list, start, finish or cooperative");
                    return 2;
                }
            }
        }
    }

    /** The API the options name, or {@code null}. */
    public static TonApi api(Map<String, String> options) throws IOException {
        if (!options.containsKey("ton-api")) {
            return null;
        }
        String key = options.containsKey("ton-api-key-file")
                ? Files.readString(Path.of(options.get("ton-api-key-file"))).trim() : null;
        return new TonHttpApi(okhttp3.HttpUrl.get(options.get("ton-api")), key, new okhttp3.OkHttpClient());
    }
}
