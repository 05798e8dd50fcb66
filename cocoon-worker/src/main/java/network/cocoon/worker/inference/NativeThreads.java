package network.cocoon.worker.inference;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * How PyTorch's OpenMP threads wait, set before PyTorch's native library loads (its OpenMP runtime, GNU libgomp,
 * reads the environment once, as it loads).
 *
 * <p>By default libgomp's idle threads spin after every parallel operation. A worker's cores also run its HTTP
 * server, sealing and signatures, and on a CPU a decode step is hundreds of small operations, so the spinning
 * threads take the cores from that work: measured with the load program on 2 cores, {@code OMP_WAIT_POLICY=PASSIVE}
 * served 1.3 to 1.8 times the answers per second at lower latency, with half the worker's CPU per answer. So the
 * worker sets it unless the operator has set {@code OMP_WAIT_POLICY} or {@code GOMP_SPINCOUNT} already.
 */
public final class NativeThreads {
    private static final System.Logger LOG = System.getLogger(NativeThreads.class.getName());
    private static boolean done;

    private NativeThreads() {
    }

    /** libc, for {@code setenv}: Java cannot change its own process's environment. */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Sets {@code OMP_WAIT_POLICY=PASSIVE} in this process's environment unless a wait policy is set; call before
     * anything loads PyTorch. Has no effect once it has loaded (then says so in the log), or off Linux.
     */
    public static synchronized void beforeLoadingPyTorch() {
        if (done) {
            return;
        }
        done = true;
        if (System.getenv("OMP_WAIT_POLICY") != null || System.getenv("GOMP_SPINCOUNT") != null
                || !System.getProperty("os.name", "").startsWith("Linux")) {
            return;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            if (libc.setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0) {
                LOG.log(System.Logger.Level.WARNING, "could not set OMP_WAIT_POLICY; PyTorch's threads will spin");
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not set OMP_WAIT_POLICY ({0}); PyTorch's threads will spin",
                    e.getClass().getSimpleName());
        }
    }
}
