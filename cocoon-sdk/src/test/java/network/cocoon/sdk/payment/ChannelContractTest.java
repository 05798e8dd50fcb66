package network.cocoon.sdk.payment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The messages and states this SDK signs, run against the real payment channel contract: its code from npm
 * {@code tonweb} (never from this SDK), in {@code @ton/sandbox}'s TVM, driven by {@code node}
 * ({@code src/test/node/channel-sandbox.mjs}; {@code npm install --prefix cocoon-sdk/src/test/node} installs
 * the locked versions).
 * The address this SDK derives is the one the contract deploys to; the promises it signs are paid out on a
 * cooperative and an uncooperative close; a state with a changed {@code sent}, a reused seqno, or swapped
 * signatures is refused by the contract.
 */
class ChannelContractTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HexFormat HEX = HexFormat.of();
    static final long TON = 1_000_000_000L;
    static final long DEPOSIT = 2 * TON;
    static final long GAS = TON / 10;
    static final long FEE = TON / 100;
    static final ClosingConfig CLOSING = new ClosingConfig(60, 0, 0);
    static TonAddress clientWallet;
    static TonAddress operatorWallet;

    @TempDir
    Path dir;

    final Ed25519KeyPair clientKey = Ed25519KeyPair.generate();
    final Ed25519KeyPair operatorKey = Ed25519KeyPair.generate();

    static Path sandboxDir() {
        return Path.of("src", "test", "node").toAbsolutePath();
    }

    static JsonNode node(Path input) throws Exception {
        if (!Files.isDirectory(sandboxDir().resolve("node_modules"))) {
            throw new AssertionError("the contract sandbox is not installed: run `npm install --prefix"
                    + " cocoon-sdk/src/test/node` (the README's test command does)");
        }
        Process process = new ProcessBuilder("node", sandboxDir().resolve("channel-sandbox.mjs").toString(),
                input.toString()).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), new String(err));
        return JSON.readTree(out);
    }

    @BeforeAll
    static void wallets(@TempDir Path tmp) throws Exception {
        Path input = tmp.resolve("addresses.json");
        Files.writeString(input, "{\"mode\":\"addresses\"}");
        JsonNode addresses = node(input);
        clientWallet = TonAddress.parse(addresses.get("client").asText(), "client");
        operatorWallet = TonAddress.parse(addresses.get("operator").asText(), "operator");
    }

    ChannelParameters channel() {
        return new ChannelParameters(PaymentChannel.randomChannelId(), clientKey.publicKey(), operatorKey.publicKey(),
                clientWallet, operatorWallet, CLOSING, 0);
    }

    /** A run: channels, then steps of {channel, from, value, body, stateInit, advance}. */
    final class Run {
        final ObjectNode input = JSON.createObjectNode().put("mode", "run");
        final ArrayNode channels = input.putArray("channels");
        final ArrayNode steps = input.putArray("steps");

        int add(ChannelParameters params) {
            channels.addObject().put("dataBoc", HEX.formatHex(params.dataBoc()))
                    .put("address", params.address().toString());
            return channels.size() - 1;
        }

        Run step(int channel, String from, long value, byte[] body, boolean stateInit, long advance) {
            steps.addObject().put("channel", channel).put("from", from).put("value", String.valueOf(value))
                    .put("body", body == null ? null : HEX.formatHex(body)).put("stateInit", stateInit)
                    .put("advance", advance);
            return this;
        }

        /** A treasury pays {@code value} to an account (a wallet to fund). */
        Run fund(int channel, TonAddress account, long value) {
            steps.addObject().put("channel", channel).put("from", "client").put("value", String.valueOf(value))
                    .putNull("body").put("stateInit", false).put("advance", 0).put("to", account.toString());
            return this;
        }

        /** An external message (a wallet's), whose outcome is the channel's transaction it causes. */
        Run external(int channel, byte[] message) {
            steps.addObject().put("channel", channel).put("from", "client").put("value", "0").putNull("body")
                    .put("stateInit", false).put("advance", 0).put("external", HEX.formatHex(message));
            return this;
        }

        /** Deploys with the client's deposit and opens the channel. */
        Run open(int channel, ChannelParameters params) {
            step(channel, "client", DEPOSIT + GAS, ChannelMessages.topUp(DEPOSIT, 0), true, 0);
            return step(channel, "client", GAS, ChannelMessages.initChannel(params, DEPOSIT, 0, true, clientKey),
                    false, 0);
        }

        JsonNode go() throws Exception {
            Path file = dir.resolve("run-" + System.nanoTime() + ".json");
            Files.writeString(file, JSON.writeValueAsString(input));
            JsonNode result = node(file);
            assertEquals(PaymentChannelCode.HASH, result.get("codeHash").asText(), "tonweb's code is the pinned one");
            for (int i = 0; i < channels.size(); i++) {
                assertEquals(channels.get(i).get("address").asText(), result.get("addresses").get(i).asText(),
                        "the address the SDK derives is where the contract deploys");
            }
            return result;
        }
    }

    static boolean succeeded(JsonNode result, int step) {
        return result.get("steps").get(step).get("outcome").get("success").asBoolean();
    }

    static long received(JsonNode result, int channel, String who) {
        return Long.parseLong(result.get("received").get(channel).get(who).asText());
    }

    static long receivedAt(JsonNode result, int step, String who) {
        return Long.parseLong(result.get("steps").get(step).get("received").get(who).asText());
    }

    /** The client's promise as the SDK signs it: its seqno and sent, the operator's body all zero. */
    SignedSemiChannel promise(ChannelParameters params, long seqno, long sent) {
        return SignedSemiChannel.sign(new SemiChannelState(params.channelId(), new SemiChannelBody(seqno, sent),
                Optional.of(SemiChannelBody.INITIAL)), clientKey);
    }

    /** The operator's own state at close: it never promised anything. */
    SignedSemiChannel operatorState(ChannelParameters params, long clientSeqno, long clientSent) {
        return SignedSemiChannel.sign(new SemiChannelState(params.channelId(), SemiChannelBody.INITIAL,
                Optional.of(new SemiChannelBody(clientSeqno, clientSent))), operatorKey);
    }

    @Test
    void openAndCloseCooperativelyOnTheReceipts() throws Exception {
        long owed = 300_000_000L;
        ChannelParameters params = channel();
        ChannelParameters swapped = channel();
        Run run = new Run();
        int a = run.add(params);
        int b = run.add(swapped);
        run.open(a, params).open(b, swapped);
        // The contract commits seqnos strictly above its stored ones, the operator's included: B's is 1.
        var close = ChannelMessages.cooperativeClose(params, DEPOSIT - owed, owed, 7, 1);
        run.step(a, "operator", GAS, close.message(params, close.sign(clientKey), close.sign(operatorKey)), false, 0);
        var closeB = ChannelMessages.cooperativeClose(swapped, DEPOSIT - owed, owed, 7, 1);
        run.step(b, "operator", GAS, closeB.uncheckedMessage(closeB.sign(operatorKey), closeB.sign(clientKey)), false,
                0);
        JsonNode result = run.go();
        for (int i = 0; i < 4; i++) {
            assertTrue(succeeded(result, i), "deploy and init: " + result.get("steps").get(i));
        }
        JsonNode opened = result.get("steps").get(1).get("data");
        assertEquals(1, opened.get("state").asInt());
        assertEquals(String.valueOf(DEPOSIT), opened.get("balanceA").asText());
        assertEquals(params.channelId().toString(), opened.get("channelId").asText());
        // The contract's own get_channel_data, as a TON HTTP API returns it, read through the SDK's client.
        try (var server = new okhttp3.mockwebserver.MockWebServer()) {
            server.enqueue(new okhttp3.mockwebserver.MockResponse().setBody(opened.get("toncenter").toString()));
            server.start();
            var api = new network.cocoon.sdk.ton.TonHttpApi(server.url("/jsonRPC"), null, new okhttp3.OkHttpClient());
            OnChainChannel onChain = OnChainChannel.read(api, params.address());
            assertEquals(OnChainChannel.Status.OPEN, onChain.status());
            assertEquals(DEPOSIT, onChain.balanceA());
            assertEquals(0, onChain.balanceB());
            assertEquals(Optional.empty(), onChain.mismatch(params));
            assertEquals(Optional.of("channel_id"), onChain.mismatch(swapped));
        }
        assertTrue(succeeded(result, 4), "cooperative close: " + result.get("steps").get(4));
        assertPaidOut(result, 4, owed);
        assertFalse(succeeded(result, 5), "swapped signatures are refused");
        assertEquals(0, received(result, b, "operator"));
    }

    @Test
    void theOperatorClosesAloneWithTheLatestPromise() throws Exception {
        long sent = 450_000_000L;
        ChannelParameters params = channel();
        ChannelParameters changed = channel();
        ChannelParameters reused = channel();
        ChannelParameters newer = channel();
        Run run = new Run();
        int a = run.add(params);
        int b = run.add(changed);
        int c = run.add(reused);
        int d = run.add(newer);
        run.open(a, params).open(b, changed).open(c, reused).open(d, newer);
        // The honest close: the latest promise the ledger holds, then finish after the quarantine.
        run.step(a, "operator", GAS, ChannelMessages.startUncooperativeClose(params, false, operatorKey,
                promise(params, 5, sent), operatorState(params, 5, sent)), false, 0);
        run.step(a, "operator", GAS, ChannelMessages.finishUncooperativeClose(), false, CLOSING.quarantineDuration() + 1);
        // A promise whose sent was raised after the client signed it.
        SignedSemiChannel honest = promise(changed, 5, sent);
        SignedSemiChannel raised = new SignedSemiChannel(honest.signature(), new SemiChannelState(changed.channelId(),
                new SemiChannelBody(5, sent * 2), Optional.of(SemiChannelBody.INITIAL)));
        run.step(b, "operator", GAS, ChannelMessages.uncheckedStartUncooperativeClose(changed, false, operatorKey,
                raised, operatorState(changed, 5, sent * 2)), false, 0);
        // The client answers a close on seqno 5 with another state of the same seqno: refused, the first stands.
        run.step(c, "operator", GAS, ChannelMessages.startUncooperativeClose(reused, false, operatorKey,
                promise(reused, 5, sent), operatorState(reused, 5, sent)), false, 0);
        run.step(c, "client", GAS, ChannelMessages.challengeQuarantinedState(reused, true, clientKey,
                promise(reused, 5, sent / 2), operatorState(reused, 5, sent)), false, 0);
        // The control: the same challenge with the next seqno is taken.
        run.step(d, "operator", GAS, ChannelMessages.startUncooperativeClose(newer, false, operatorKey,
                promise(newer, 5, sent), operatorState(newer, 5, sent)), false, 0);
        run.step(d, "client", GAS, ChannelMessages.challengeQuarantinedState(newer, true, clientKey,
                promise(newer, 6, sent), operatorState(newer, 6, sent)), false, 0);
        JsonNode result = run.go();
        for (int i = 0; i < 8; i++) {
            assertTrue(succeeded(result, i), "deploy and init: " + result.get("steps").get(i));
        }
        assertTrue(succeeded(result, 8), "start uncooperative close: " + result.get("steps").get(8));
        assertEquals(2, result.get("steps").get(8).get("data").get("state").asInt());
        assertTrue(succeeded(result, 9), "finish: " + result.get("steps").get(9));
        assertPaidOut(result, 9, sent);
        assertFalse(succeeded(result, 10), "a changed sent is refused");
        assertTrue(succeeded(result, 11), "close on seqno 5: " + result.get("steps").get(11));
        assertFalse(succeeded(result, 12), "a reused seqno is refused");
        assertTrue(succeeded(result, 13), "close on seqno 5: " + result.get("steps").get(13));
        assertTrue(succeeded(result, 14), "a newer seqno is taken: " + result.get("steps").get(14));
    }

    /** The whole path a client takes without a treasury: its own wallet's signed external messages. */
    @Test
    void theClientOpensTheChannelFromItsWallet() throws Exception {
        network.cocoon.sdk.ton.WalletV4 wallet = new network.cocoon.sdk.ton.WalletV4(clientKey);
        ChannelParameters params = new ChannelParameters(PaymentChannel.randomChannelId(), clientKey.publicKey(),
                operatorKey.publicKey(), wallet.address(), operatorWallet, CLOSING, 0);
        long validUntil = 1_800_000_600L; // the sandbox's clock starts at 1,800,000,000
        Run run = new Run();
        int a = run.add(params);
        run.fund(a, wallet.address(), 5 * TON);
        run.external(a, wallet.transfer(0, validUntil, params.address(), DEPOSIT + GAS, false,
                ChannelMessages.topUp(DEPOSIT, 0), ChannelMessages.stateInit(params)));
        run.external(a, wallet.transfer(1, validUntil, params.address(), GAS, true,
                ChannelMessages.initChannel(params, DEPOSIT, 0, true, clientKey), null));
        var close = ChannelMessages.cooperativeClose(params, DEPOSIT - 1_000, 1_000, 1, 1);
        run.step(a, "operator", GAS, close.message(params, close.sign(clientKey), close.sign(operatorKey)), false, 0);
        JsonNode result = run.go();
        // Step 0 only funds the wallet, which has no code yet: its transaction runs nothing.
        for (int i = 1; i < 4; i++) {
            assertTrue(succeeded(result, i), "step " + i + ": " + result.get("steps").get(i));
        }
        JsonNode opened = result.get("steps").get(2).get("data");
        assertEquals(1, opened.get("state").asInt());
        assertEquals(String.valueOf(DEPOSIT), opened.get("balanceA").asText());
    }

    /**
     * At the closing step B is paid what A owes, A the rest of its deposit. Each payout carries its own forwarding
     * fee (below {@link #FEE}); A's also carries what is left of the gas the opening messages brought.
     */
    static void assertPaidOut(JsonNode result, int closingStep, long owed) {
        long operator = receivedAt(result, closingStep, "operator");
        long client = receivedAt(result, closingStep, "client");
        assertTrue(operator > owed - FEE && operator < owed + GAS, "operator received " + operator + " for " + owed);
        // The contract keeps what was left of the gas every message brought, and pays it out with A's share.
        assertTrue(client > DEPOSIT - owed - FEE && client < DEPOSIT - owed + 4 * GAS,
                "client received " + client + " of " + (DEPOSIT - owed));
    }
}
