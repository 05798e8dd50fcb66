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
 *
 * <p>The price is paid by larger models decoding on a CPU: every parallel product then wakes sleeping threads. On
 * a SmolLM-135M-shaped model in float32, spinning ({@code GOMP_SPINCOUNT=20000} or {@code OMP_WAIT_POLICY=ACTIVE})
 * decoded 1.6 times as fast at one sequence and 1.25 times at 16, while the bundled model under load served
 * 0.58 times the answers per second (benchmarks/README.md). An operator serving a larger model on a CPU, with few
 * concurrent users, may set either variable; on a GPU the policy hardly matters.
 */
public final class NativeThreads {
    private static final System.Logger LOG = System.getLogger(NativeThreads.class.getName());
    private static boolean done;
    private static String setting = "libgomp's default (spinning)";

    private NativeThreads() {
    }

    /** libc, for {@code setenv}: Java cannot change its own process's environment. */
    private interface LibC extends Library {
        int setenv(String name, String value, int overwrite);
    }

    /**
     * Sets {@code OMP_WAIT_POLICY=PASSIVE} in this process's environment unless a wait policy is set; call before
     * anything loads PyTorch. Has no effect once it has loaded, or off Linux.
     */
    public static synchronized void beforeLoadingPyTorch() {
        if (done) {
            return;
        }
        done = true;
        for (String name : new String[] {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"}) {
            if (System.getenv(name) != null) {
                setting = name + "=" + System.getenv(name) + " (from the environment)";
                return;
            }
        }
        if (!System.getProperty("os.name", "").startsWith("Linux")) {
            return;
        }
        try {
            LibC libc = Native.load("c", LibC.class);
            if (libc.setenv("OMP_WAIT_POLICY", "PASSIVE", 0) != 0) {
                LOG.log(System.Logger.Level.WARNING, "could not set OMP_WAIT_POLICY; PyTorch's threads will spin");
            } else {
                setting = "OMP_WAIT_POLICY=PASSIVE (the worker's default)";
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not set OMP_WAIT_POLICY ({0}); PyTorch's threads will spin",
                    e.getClass().getSimpleName());
        }
    }

    /**
     * How PyTorch's OpenMP threads wait in this process, as set up by {@link #beforeLoadingPyTorch()}: for
     * benchmark and diagnostic output.
     */
    public static synchronized String waitSetting() {
        return setting;
    }
}
