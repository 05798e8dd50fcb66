package network.cocoon.examples.quickstart;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.regex.Pattern;
import network.cocoon.examples.local.LocalWorker;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.payment.Payment;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.Receipt;

/**
 * The whole confidential request path on one machine: starts a worker on loopback with the bundled small
 * model, then sends an encrypted, paid prompt through the SDK and prints the verified answer, the verified
 * receipt and what was checked. Payments use the INSECURE dev channel mode (nothing on chain).
 *
 * <p>Usage: {@code java -jar cocoon-examples/target/cocoon-examples.jar [quickstart] [--model DIR] [--prompt "123+456"]}
 */
public final class Quickstart {
    private static final Pattern ADDITION = Pattern.compile("\\s*(\\d{1,9})\\s*\\+\\s*(\\d{1,9})\\s*");

    private Quickstart() {
    }

    /** For "a+b" prompts, whether the model's answer is the sum: the small model is trained on exactly that. */
    static String additionCheck(String prompt, String answer) {
        var match = ADDITION.matcher(prompt);
        if (!match.matches()) {
            return "";
        }
        long sum = Long.parseLong(match.group(1)) + Long.parseLong(match.group(2));
        return String.valueOf(sum).equals(answer) ? "   (correct)" : "   (wrong: the sum is " + sum + ")";
    }

    /** Runs the quickstart and returns the verified answer. */
    public static VerifiedCompletion run(Path model, String prompt, PrintStream out) throws Exception {
        try (LocalWorker worker = LocalWorker.start(model)) {
            out.println("worker   " + worker.endpoint() + " serving " + worker.model().id()
                    + " (dev TEE and dev payments: INSECURE, for local development only)");
            out.println("dev root " + worker.devRootHex()
                    + "   (the key the client pins: allowInsecureDevelopmentEvidence)");
            PaymentChannel channel = LocalWorker.devChannel(worker.scratch().resolve("client-channels"));
            try (CocoonClient client = CocoonClient.builder().endpoint(worker.endpoint()).policy(worker.policy())
                    .payment(channel).build()) {
                return ask(client, prompt, out);
            }
        }
    }

    private static VerifiedCompletion ask(CocoonClient client, String prompt, PrintStream out) {
        var verified = client.verifyWorker();
        out.println("attested platform " + verified.document().platform() + ", model digest "
                + verified.document().model().digest() + ", HPKE suite " + verified.suite());
        out.println("prompt   " + prompt + "   (sealed to the attested X25519 key)");
        out.print("answer   ");
        VerifiedCompletion answer = client.chatStream(ChatRequest.builder().user(prompt).maxTokens(16)
                .temperature(0).build(), out::print);
        out.println(additionCheck(prompt, answer.content()));
        var v = answer.verification();
        out.println("verified response decrypted under the request's HPKE context; Ed25519 signature by "
                + "the attested key " + v.signingKey().substring(0, 16) + "... over request hash "
                + v.requestHash().substring(0, 16) + "..., completion hash, model digest and usage ("
                + answer.completion().usage().promptTokens() + " prompt + "
                + answer.completion().usage().completionTokens() + " completion tokens)");
        Payment paid = answer.payment().orElseThrow();
        Receipt r = paid.receipt().receipt();
        out.println("paid     " + r.amount() + " nanotons = floor((" + r.promptTokens() + " x "
                + r.price().promptPer1k() + " + " + r.completionTokens() + " x "
                + r.price().completionPer1k() + ") / 1000); receipt seqno " + r.seqno() + " on channel "
                + r.channel() + ", signed by the attested key and bound into the result signature");
        out.println("channel  owed " + paid.owed() + " nanotons by the receipts; promised "
                + paid.promised() + " (the most the worker can claim: the debt before plus this"
                + " request's maximum); deposit " + LocalWorker.DEV_DEPOSIT);
        return answer;
    }
}
