package network.cocoon.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.cocoon.sdk.CocoonClient;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.chat.ChatRequest;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.payment.PaymentChannel;
import network.cocoon.sdk.payment.SpendStore;
import network.cocoon.sdk.payment.TonAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as an operator uses it: copied alone into an empty directory, started with {@code java -jar},
 * it loads the bundled model with the bundled PyTorch natives and answers a paid, sealed request from the SDK.
 */
class RunnableJarIT {
    static final Pattern SERVING = Pattern.compile("cocoon worker serving \\S+ \\(digest [0-9a-f]{64}\\) at (\\S+)");

    @TempDir
    Path dir;

    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    Path jar() throws Exception {
        Path built = Path.of(System.getProperty("cocoon.runnableJar"));
        assertTrue(Files.isRegularFile(built), built + " was not built");
        Path copy = dir.resolve("cocoon-worker.jar");
        Files.copy(built, copy);
        return copy;
    }

    @Test
    void theJarAloneServesAPaidRequest() throws Exception {
        Path jar = jar();
        Process help = new ProcessBuilder(java(), "-jar", jar.toString(), "--help").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String helpText = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(help.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, help.exitValue(), helpText);
        assertTrue(helpText.contains("--model=DIR"), helpText);

        Process bad = new ProcessBuilder(java(), "-jar", jar.toString(), "--port", "eighty").directory(dir.toFile())
                .start();
        String badText = new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue());
        assertEquals(1, badText.strip().lines().count(), badText);

        byte[] seed = new byte[32];
        seed[31] = 9;
        Files.writeString(dir.resolve("dev-root.seed"), HexFormat.of().formatHex(seed));
        Path model = Path.of("models", "cocoon-add-tiny").toAbsolutePath();
        Process worker = new ProcessBuilder(java(), "-jar", jar.toString(), "--model", model.toString(), "--port", "0",
                "--dev-root-seed", dir.resolve("dev-root.seed").toString(), "--price-prompt", "100000",
                "--price-completion", "200000").directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            URI endpoint = null;
            BufferedReader lines = new BufferedReader(new InputStreamReader(worker.getInputStream(),
                    StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; endpoint == null && (line = lines.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = SERVING.matcher(line);
                if (m.find()) {
                    endpoint = URI.create(m.group(1));
                }
            }
            assertTrue(endpoint != null, "the worker did not start:\n" + seen);
            Thread drain = new Thread(() -> lines.lines().forEach(l -> { }));
            drain.setDaemon(true);
            drain.start();
            AttestationPolicy policy = AttestationPolicy.builder()
                    .allowInsecureDevelopmentEvidence(Ed25519KeyPair.fromSeed(seed).publicKey()).build();
            PaymentChannel channel = PaymentChannel.builder().devMode().clientKey(Ed25519KeyPair.generate())
                    .clientAddress(TonAddress.parse("0:" + "11".repeat(32), "wallet"))
                    .channelId(PaymentChannel.randomChannelId()).deposit(1_000_000_000L).maxCostPerRequest(1_000_000)
                    .store(SpendStore.inMemory()).build();
            try (CocoonClient client = CocoonClient.builder().endpoint(endpoint).policy(policy).payment(channel)
                    .build()) {
                var answer = client.chat(ChatRequest.builder().user("123+456").maxTokens(8).temperature(0).build());
                assertEquals("579", answer.content());
                assertEquals(3400, answer.payment().orElseThrow().amount());
            }
            assertTrue(Files.exists(dir.resolve("cocoon-ledger.db")), "the ledger is where the operator started it");
            assertEquals(List.of("cocoon-ledger.db", "cocoon-worker.jar", "dev-root.seed"),
                    Files.list(dir).map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("cocoon-ledger.db-"))
                            .sorted().toList());
            // SIGTERM drains and exits 0.
            worker.destroy();
            assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker did not stop");
            assertEquals(0, worker.exitValue());
        } finally {
            worker.destroy();
            worker.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
