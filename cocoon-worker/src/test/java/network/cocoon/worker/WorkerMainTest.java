package network.cocoon.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import network.cocoon.worker.tee.TeeUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerMainTest {
    @Test
    void tdxWithoutConfigfsTsmFailsClosed(@TempDir Path dir) {
        var options = Map.of("tee", "tdx", "tsm-root", dir.resolve("absent").toString());
        assertThrows(TeeUnavailableException.class, () -> WorkerMain.tee(options));
    }

    @Test
    void unknownPlatformsAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.tee(Map.of("tee", "sev")));
        assertEquals("dev", WorkerMain.tee(Map.of()).platform());
    }
}
