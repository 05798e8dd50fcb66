package network.cocoon.examples.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.CocoonException;
import network.cocoon.sdk.VerifiedCompletion;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.chat.ChatMessage;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.payment.Payment;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.PaymentTerms;

/**
 * One terminal conversation: each question is streamed back, then the answer's verification and payment are
 * printed. A refused answer is reported in one line and the conversation goes on.
 */
final class ChatSession {
    private final CocoonClient client;
    private final PrintWriter out;
    private final int maxTokens;
    private final double temperature;
    private final boolean keepHistory;
    private final List<ChatMessage> history = new ArrayList<>();

    ChatSession(CocoonClient client, PrintWriter out, int maxTokens, double temperature, boolean keepHistory) {
        this.client = client;
        this.out = out;
        this.maxTokens = maxTokens;
        this.temperature = temperature;
        this.keepHistory = keepHistory;
    }

    /** Prints what the worker's attestation proved, verifying it first if the client has not yet. */
    void showAttestation(URI endpoint) {
        VerifiedWorker worker = client.verifyWorker();
        AttestationDocument doc = worker.document();
        HexFormat hex = HexFormat.of();
        out.println("attestation of " + endpoint);
        out.println("  platform      " + doc.platform() + (worker.claims().secure() ? " (hardware-backed)"
                : " (INSECURE: development evidence, proves nothing about hardware)"));
        for (Map.Entry<String, String> m : new java.util.TreeMap<>(worker.claims().measurements()).entrySet()) {
            out.println("  measurement   " + m.getKey() + " = " + m.getValue());
        }
        out.println("  model         " + doc.model().id() + ", digest " + doc.model().digest());
        out.println("  price         " + doc.price().promptPer1k() + " / " + doc.price().completionPer1k()
                + " nanotons per 1,000 prompt / completion tokens");
        out.println("  payout        " + doc.payout());
        out.println("  signing key   " + hex.formatHex(doc.signingKey()) + " (Ed25519: signs results and receipts)");
        out.println("  sealed with   " + worker.suite());
        PaymentTerms terms = doc.payment();
        if (terms == null) {
            out.println("  payment       none");
        } else {
            out.println("  payment       " + terms.mode() + " channels to key " + hex.formatHex(terms.channelKey())
                    + ", quarantine " + terms.quarantineDuration() + " s");
        }
        out.println("  GPUs attested " + doc.gpuEvidence().size());
        out.println("  trusted until " + worker.trustedUntil());
        out.flush();
    }

    /** Reads questions until end of input or {@code /quit}. */
    void converse(BufferedReader in, PrintWriter err) throws IOException {
        out.println("type a question and press enter; /quit ends");
        out.print("> ");
        out.flush();
        String line;
        while ((line = in.readLine()) != null) {
            String question = line.strip();
            if (question.equals("/quit")) {
                break;
            }
            if (!question.isEmpty() && !ask(question)) {
                err.flush();
            }
            out.print("> ");
            out.flush();
        }
        out.println();
        out.flush();
    }

    /** Asks one question; returns whether a verified answer came back. */
    boolean ask(String question) {
        ChatRequest.Builder request = ChatRequest.builder().maxTokens(maxTokens).temperature(temperature);
        if (keepHistory) {
            history.forEach(request::message);
        }
        request.user(question);
        try {
            VerifiedCompletion answer = client.chatStream(request.build(), delta -> {
                out.print(delta);
                out.flush();
            });
            out.println();
            out.println("  [" + footer(answer) + "]");
            out.flush();
            if (keepHistory) {
                history.add(ChatMessage.user(question));
                history.add(ChatMessage.assistant(answer.content()));
            }
            return true;
        } catch (CocoonException e) {
            // Text may have been shown before the final signature check failed: say that it is void.
            out.println();
            out.println("  [refused: " + e + "; discard any text shown above for this question]");
            out.flush();
            return false;
        }
    }

    /** What was verified and paid, in one line. */
    static String footer(VerifiedCompletion answer) {
        var usage = answer.completion().usage();
        var v = answer.verification();
        String line = "verified: signed by " + v.signingKey().substring(0, 16) + "... on " + v.platform() + ", "
                + usage.promptTokens() + " + " + usage.completionTokens() + " tokens";
        if (answer.payment().isPresent()) {
            Payment paid = answer.payment().get();
            line += ", paid " + paid.amount() + " nanotons (receipt " + paid.receipt().receipt().seqno()
                    + ", channel total " + paid.owed() + ")";
        }
        return line;
    }
}
