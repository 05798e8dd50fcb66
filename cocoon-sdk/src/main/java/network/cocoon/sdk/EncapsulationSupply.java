package network.cocoon.sdk;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import network.cocoon.sdk.crypto.SealedRequest;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;

/**
 * Keeps one HPKE encapsulation to a worker's key ready before the request that will use it. The X25519 key
 * generation and agreement are most of sealing a request (about 0.15 ms), and the background thread does them
 * while the previous request is still on its way, not on the next request's path.
 *
 * <p>Each encapsulation is handed out once ({@link SealedRequest.Encapsulation} refuses a second seal as well),
 * and one made for another key config or suite is dropped, never used: a worker that rotates its key gets
 * requests sealed to the new one only. Without an executor, or before the first one is ready, a request
 * encapsulates on its own thread, exactly as it would have.
 */
final class EncapsulationSupply {
    private final Executor background;
    private final AtomicReference<SealedRequest.Encapsulation> ready = new AtomicReference<>();
    private final AtomicBoolean preparing = new AtomicBoolean();

    /** @param background where the next encapsulation is made; {@code null} to make each on demand */
    EncapsulationSupply(Executor background) {
        this.background = background;
    }

    /**
     * An unused encapsulation to {@code config} under {@code suite}, for one request, and starts making the next
     * one.
     */
    SealedRequest.Encapsulation take(KeyConfig config, HpkeSuite suite) {
        SealedRequest.Encapsulation next = ready.getAndSet(null);
        if (next == null || next.config() != config || next.suite() != suite) {
            next = SealedRequest.encapsulate(config, suite);
        }
        prepare(config, suite);
        return next;
    }

    /** Whether an encapsulation is waiting for the next request. */
    boolean hasReady() {
        return ready.get() != null;
    }

    private void prepare(KeyConfig config, HpkeSuite suite) {
        if (background == null || !preparing.compareAndSet(false, true)) {
            return;
        }
        try {
            background.execute(() -> {
                try {
                    ready.set(SealedRequest.encapsulate(config, suite));
                } catch (RuntimeException e) {
                    // The request that needs it encapsulates on its own thread and reports this there.
                } finally {
                    preparing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            // The client is closing.
            preparing.set(false);
        }
    }
}
