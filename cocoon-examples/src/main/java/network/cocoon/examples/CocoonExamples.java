package network.cocoon.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import network.cocoon.examples.chat.ChatCommand;
import network.cocoon.examples.gateway.GatewayCommand;
import network.cocoon.examples.local.LocalWorker;
import network.cocoon.examples.quickstart.Quickstart;
import network.cocoon.examples.telegram.TelegramCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cocoon}: the examples' one entry point. With no subcommand it runs the quickstart, so that
 * {@code java -jar cocoon-examples.jar} shows the whole path at once.
 */
@Command(name = "cocoon", mixinStandardHelpOptions = true, version = "cocoon examples 0.1.0-SNAPSHOT",
        sortOptions = false, showDefaultValues = true, usageHelpWidth = 110,
        subcommands = {ChatCommand.class, GatewayCommand.class, TelegramCommand.class},
        description = "Cocoon SDK examples. Without a subcommand: the quickstart (a local worker and one paid,"
                + " verified prompt).")
public final class CocoonExamples implements Callable<Integer> {
    /** Held so that the levels set on them are not lost to garbage collection. */
    private static final Logger DJL_LOG = Logger.getLogger("ai.djl");
    private static final Logger JETTY_LOG = Logger.getLogger("org.eclipse.jetty");

    @Option(names = "--model", paramLabel = "DIR", description = "the local worker's model directory",
            defaultValue = "cocoon-worker/models/cocoon-add-tiny")
    Path model = LocalWorker.BUNDLED_MODEL;

    @Option(names = "--prompt", paramLabel = "TEXT", description = "what the quickstart asks",
            defaultValue = "123+456")
    String prompt = "123+456";

    private CocoonExamples() {
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Parses and runs; returns the exit status: 0 done, 1 failed, 2 bad command line. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(new CocoonExamples());
        line.setOut(out);
        line.setErr(err);
        line.setParameterExceptionHandler((e, a) -> {
            err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage() + " (see --help)");
            err.flush();
            return 2;
        });
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // One line, never a stack trace: SDK errors name their layer and reason, never request content.
            cmd.getErr().println("cocoon " + cmd.getCommandName() + ": " + (e instanceof IllegalArgumentException
                    ? e.getMessage() : e.toString()));
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return line.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        var answer = Quickstart.run(model, prompt, System.out);
        return answer == null ? 1 : 0;
    }

    /** One line per log record, and DJL's and Jetty's start-up chatter kept out; the SDK's INSECURE warnings still show. */
    public static void quietLogging() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%n");
        }
        DJL_LOG.setLevel(Level.SEVERE);
        JETTY_LOG.setLevel(Level.WARNING);
    }
}
