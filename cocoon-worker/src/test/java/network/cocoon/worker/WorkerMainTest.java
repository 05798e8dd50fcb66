package network.cocoon.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import network.cocoon.worker.tee.TeeUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerMainTest {
    @Test
    void tdxWithoutConfigfsTsmFailsClosed(@TempDir Path dir) {
        var options = WorkerMain.parse(new String[] {"--tee", "tdx", "--tsm-root", dir.resolve("absent").toString()});
        assertThrows(TeeUnavailableException.class, () -> WorkerMain.tee(options));
    }

    @Test
    void unknownPlatformsAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.tee(WorkerMain.parse(new String[] {"--tee", "sev"})));
        assertThrows(IllegalArgumentException.class, () -> WorkerMain.parse(new String[] {"--tee"}));
        assertEquals("dev", WorkerMain.tee(WorkerMain.parse(new String[0])).platform());
    }
}
