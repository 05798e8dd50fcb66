package network.cocoon.examples.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import network.cocoon.examples.CocoonExamples;
import network.cocoon.examples.connect.ClientOptions;
import network.cocoon.examples.connect.WorkerConnection;
import network.cocoon.examples.local.LocalWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cocoon chat} against a real worker on loopback with the bundled model. */
class ChatCommandTest {
    static final Path MODEL = Path.of("..").resolve(LocalWorker.BUNDLED_MODEL);
    private static LocalWorker worker;

    @TempDir
    Path state;

    @BeforeAll
    static void startWorker() throws Exception {
        worker = LocalWorker.start(MODEL);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void oneCommandAsksTheLocalWorkerAndShowsTheAttestation() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CocoonExamples.run(new String[] {"chat", "--model", MODEL.toString(), "--prompt", "123+456",
            "--show-attestation"}, new PrintWriter(out, true), new PrintWriter(err, true));
        String printed = out.toString();
        assertEquals(0, status, err.toString());
        assertTrue(printed.contains("platform      dev (INSECURE"), printed);
        assertTrue(printed.contains("model         cocoon-add-tiny, digest " + worker.model().digest()), printed);
        assertTrue(printed.contains("payment       dev channels"), printed);
        assertTrue(printed.contains("579\n  [verified: signed by "), printed);
        assertTrue(printed.contains(" tokens, paid "), printed);
    }

    @Test
    void aConversationWithARemoteWorkerTrustedByItsDevRoot() throws Exception {
        ClientOptions options = ClientOptions.devWorker(worker.endpoint(), worker.devRootHex(),
                worker.model().digest(), state);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (WorkerConnection connection = WorkerConnection.open(options, System.out)) {
            ChatSession session = new ChatSession(connection.client(), new PrintWriter(out, true), 16, 0, false);
            session.converse(new BufferedReader(new StringReader("123+456\n\n88+12\n/quit\n1+1\n")),
                    new PrintWriter(err, true));
        }
        String printed = out.toString();
        assertTrue(printed.contains("> 579\n  [verified"), printed);
        assertTrue(printed.contains("> 100\n  [verified"), printed);
        assertFalse(printed.contains("> 2\n"), "stops at /quit: " + printed);
        assertTrue(printed.contains("receipt 2, channel total "), printed);
    }

    @Test
    void aWorkerWithoutAnAllowedModelIsABadCommandLine() {
        StringWriter err = new StringWriter();
        int status = CocoonExamples.run(new String[] {"chat", "--worker", worker.endpoint().toString(),
            "--trust-dev-root", worker.devRootHex(), "--prompt", "1+1"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(2, status);
        assertEquals("cocoon chat: --allow-model is required with --worker: name the model digest you trust\n",
                err.toString());
    }

    @Test
    void anUntrustedDevRootIsRefusedInOneLine() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CocoonExamples.run(new String[] {"chat", "--worker", worker.endpoint().toString(),
            "--trust-dev-root", "ab".repeat(32), "--allow-model", worker.model().digest(), "--state-dir",
            state.toString(), "--prompt", "1+1"}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(1, status);
        assertTrue(out.toString().contains("[refused: AttestationException"), out.toString());
    }

    @Test
    void aMalformedKeyIsNamed() {
        StringWriter err = new StringWriter();
        int status = CocoonExamples.run(new String[] {"chat", "--worker", "http://127.0.0.1:9",
            "--trust-dev-root", "xyz", "--allow-model", worker.model().digest()}, new PrintWriter(new StringWriter()),
                new PrintWriter(err, true));
        assertEquals(2, status);
        assertEquals("cocoon chat: --trust-dev-root: expected 32 bytes as 64 hex digits\n", err.toString());
    }
}
