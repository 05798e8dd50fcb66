package network.cocoon.worker.testing;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.worker.inference.Generation;
import network.cocoon.worker.inference.GenerationRequest;
import network.cocoon.worker.inference.TokenSink;
import network.cocoon.worker.server.ServerSettings;

/**
 * An unpaid worker as a program of its own that streams "abcdefghij" slowly, for tests that kill it with
 * SIGKILL in the middle of an answer: {@code DEV_ROOT_SEED MILLIS_PER_TOKEN READY_FILE}. Writes its endpoint to
 * the ready file (atomically) once it serves. Test-only.
 */
public final class StreamingWorkerMain {
    private StreamingWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        long millisPerToken = Long.parseLong(args[1]);
        FixedAnswerEngine slow = new FixedAnswerEngine("abcdefghij") {
            @Override
            public Generation generate(GenerationRequest request, TokenSink sink) {
                return super.generate(request, text -> {
                    sink.accept(text);
                    try {
                        Thread.sleep(millisPerToken);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        };
        LocalWorker worker = new LocalWorker(slow, ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)),
                Ed25519KeyPair.fromSeed(HexFormat.of().parseHex(args[0])));
        Path ready = Path.of(args[2]);
        Path temp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(temp, worker.server.endpoint().toString());
        Files.move(temp, ready, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
