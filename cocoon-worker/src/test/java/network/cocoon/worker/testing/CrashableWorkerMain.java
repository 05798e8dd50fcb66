package network.cocoon.worker.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import network.cocoon.sdk.crypto.Ed25519KeyPair;

/**
 * A paid worker as a program of its own, for tests that kill it with SIGKILL: {@code LEDGER OPERATOR_SEED
 * DEV_ROOT_SEED READY_FILE}. Writes its endpoint to the ready file (atomically) once it serves, then serves
 * until killed. Test-only.
 */
public final class CrashableWorkerMain {
    private CrashableWorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        HexFormat hex = HexFormat.of();
        PaidWorker worker = new PaidWorker(new FixedAnswerEngine("fine"), Path.of(args[0]),
                Ed25519KeyPair.fromSeed(hex.parseHex(args[1])), 1_000_000_000_000L,
                Ed25519KeyPair.fromSeed(hex.parseHex(args[2])));
        Path ready = Path.of(args[3]);
        Path temp = ready.resolveSibling(ready.getFileName() + ".tmp");
        Files.writeString(temp, worker.server.endpoint().toString());
        Files.move(temp, ready, StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }
}
