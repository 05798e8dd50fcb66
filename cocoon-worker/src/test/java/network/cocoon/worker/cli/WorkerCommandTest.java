package network.cocoon.worker.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's command line: help with defaults, one-line errors with status 2, config file precedence. */
class WorkerCommandTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = WorkerCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryOptionWithItsDefault() {
        Result help = run("--help");
        assertEquals(0, help.status());
        for (String option : new String[] {"--config", "--print-config", "--model", "--host", "--port", "--device",
            "--tee", "--tsm-root", "--dev-root-seed", "--model-id", "--chat-template", "--price-prompt",
            "--price-completion", "--payments", "--payout", "--channel-key-seed", "--ledger", "--dev-deposit",
            "--ton-api", "--ton-api-key-file", "--quarantine-duration", "--misbehavior-fine", "--excess-fee",
            "--max-batch", "--queue", "--max-context", "--weight-precision", "--version"}) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
        assertTrue(help.out().contains("Default: 8080"), help.out());
        assertTrue(help.out().contains("cpu, gpu, auto"), help.out());
        assertTrue(help.out().contains("settle"), help.out());
        assertEquals("", help.err());
        assertEquals(0, run("settle", "--help").status());
    }

    @Test
    void badValuesAreOneLineAndStatusTwo() {
        String[][] bad = {
            {"--port", "eighty"}, {"--device", "tpu"}, {"--tee", "sev"}, {"--payments", "maybe"},
            {"--unknown-option"}, {"--price-prompt", "-x"}, {}, {"settle", "--action", "list"},
        };
        for (String[] args : bad) {
            Result r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("cocoon-worker: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void theConfigFileIsOverriddenByFlags() throws Exception {
        Path config = dir.resolve("worker.properties");
        Files.writeString(config, "port = 9000\nprice-prompt = 5\nledger = /var/lib/cocoon/ledger.db\n");
        Result fromFile = run("--config", config.toString(), "--print-config");
        assertEquals(0, fromFile.status(), fromFile.err());
        assertTrue(fromFile.out().contains("port = 9000"), fromFile.out());
        assertTrue(fromFile.out().contains("price-prompt = 5"), fromFile.out());
        assertTrue(fromFile.out().contains("host = 127.0.0.1"), fromFile.out());
        assertTrue(fromFile.out().contains("# model = (not set)"), fromFile.out());
        Result overridden = run("--config=" + config, "--port", "9100", "--print-config");
        assertTrue(overridden.out().contains("port = 9100"), overridden.out());
        assertTrue(overridden.out().contains("price-prompt = 5"), overridden.out());
        assertTrue(run("--print-config").out().contains("port = 8080"));
    }

    @Test
    void configErrorsAreNamed() throws Exception {
        Path config = dir.resolve("worker.properties");
        Files.writeString(config, "prot = 9000\n");
        Result typo = run("--config", config.toString(), "--print-config");
        assertEquals(2, typo.status());
        assertTrue(typo.err().contains("unknown key 'prot'"), typo.err());
        Files.writeString(config, "port = lots\n");
        Result badValue = run("--config", config.toString(), "--print-config");
        assertEquals(2, badValue.status());
        assertTrue(badValue.err().contains("port"), badValue.err());
        Result missing = run("--config", dir.resolve("absent.properties").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("cannot read the config file"), missing.err());
    }

    @Test
    void startupFailuresAreOneLine() {
        Result r = run("--model", dir.resolve("no-model").toString(), "--tee", "tdx", "--tsm-root",
                dir.resolve("absent").toString());
        assertEquals(1, r.status(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void checkPrintsWhatToPublishAndComparesWithTheAllowList() throws Exception {
        String model = Path.of("models", "cocoon-add-tiny").toString();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        Result check;
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            check = run("--model", model, "--check");
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, check.status(), check.err());
        assertTrue(out.contains("loading cocoon-add-tiny: hashing   100%"), out);
        java.util.regex.Matcher digest = java.util.regex.Pattern.compile("pre-flight model digest ([0-9a-f]{64})")
                .matcher(out);
        assertTrue(digest.find(), out);
        assertTrue(out.contains("pre-flight platform dev"), out);
        assertTrue(out.contains("pre-flight dev_root "), out);

        Path good = dir.resolve("good.json");
        Files.writeString(good, "{\"models\": [\"" + digest.group(1) + "\"]}");
        assertEquals(0, run("--model", model, "--check", "--allow-list", good.toString()).status());
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"models\": [\"" + "0".repeat(64) + "\"]}");
        Result refused = run("--model", model, "--check", "--allow-list", bad.toString());
        assertEquals(1, refused.status());
        assertEquals("cocoon-worker: pre-flight failed against " + bad + ": model digest " + digest.group(1)
                + " is not in the allow-list's models\n", refused.err());
    }

    @Test
    void aGpuThatIsNotThereIsOneLine() {
        org.junit.jupiter.api.Assumptions.assumeTrue(ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0,
                "this machine has a GPU");
        Result r = run("--model", Path.of("models", "cocoon-add-tiny").toString(), "--device", "gpu");
        assertEquals(1, r.status());
        assertEquals("cocoon-worker: --device gpu, but PyTorch sees no GPU (is the CUDA build of pytorch-native on"
                + " the class path?)\n", r.err());
    }
}
