package network.cocoon.examples.chat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import network.cocoon.examples.connect.ClientOptions;
import network.cocoon.examples.connect.WorkerConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cocoon chat}: a terminal chat whose every answer is sealed, verified and paid. */
@Command(name = "chat", mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = true,
        usageHelpWidth = 110, description = "Chat with a worker from the terminal: each line you type is sealed"
        + " to the attested worker key; each answer is shown with what was verified and paid. Ends at end of"
        + " input or /quit.")
public final class ChatCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions connection;

    @Option(names = "--show-attestation", description = "print what the worker's attestation proved before chatting")
    boolean showAttestation;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "ask this once and exit instead of reading lines")
    String prompt;

    @Option(names = "--history", description = "send the whole conversation with each line (the bundled model"
            + " answers single questions, so it is off by default)")
    boolean history;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "64", description = "the most tokens per answer")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0", description = "sampling temperature;"
            + " 0 is greedy")
    double temperature;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (WorkerConnection worker = WorkerConnection.open(connection, new PrintStream(System.out, true,
                StandardCharsets.UTF_8))) {
            ChatSession session = new ChatSession(worker.client(), out, maxTokens, temperature, history);
            if (showAttestation) {
                session.showAttestation(worker.endpoint());
            }
            if (prompt != null) {
                return session.ask(prompt) ? 0 : 1;
            }
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            session.converse(in, err);
            return 0;
        }
    }
}
