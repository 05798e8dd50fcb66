package network.cocoon.worker.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Library;
import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

/** The OpenMP wait policy is in the process's own environment (where libgomp reads it), not only Java's copy. */
class NativeThreadsTest {
    interface LibC extends Library {
        String getenv(String name);
    }

    @Test
    void passiveWaitingUnlessTheOperatorChoseOtherwise() {
        NativeThreads.beforeLoadingPyTorch();
        String chosen = System.getenv("OMP_WAIT_POLICY");
        String expected = chosen != null ? chosen : System.getenv("GOMP_SPINCOUNT") != null ? null : "PASSIVE";
        assertEquals(expected, Native.load("c", LibC.class).getenv("OMP_WAIT_POLICY"));
        assertEquals(expected == null || chosen != null ? "the environment's" : "the worker's default",
                NativeThreads.waitSetting().endsWith("(from the environment)") ? "the environment's"
                        : NativeThreads.waitSetting().equals("OMP_WAIT_POLICY=PASSIVE (the worker's default)")
                        ? "the worker's default" : NativeThreads.waitSetting());
    }
}
