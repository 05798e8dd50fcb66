package network.cocoon.worker.server;

import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.Request;

/**
 * Waits for more of a request's body: Jetty calls back when the connection is readable. A wait also ends after
 * {@link #LOOK_AGAIN_MILLIS}, and the reader reads again (Jetty's read fills from the socket itself), so that a
 * callback that never comes costs half a second rather than the whole body deadline. Such a callback was the
 * first suspect for bodies that stalled under the HTTP fuzz target; the cause was the shared buffer pool (see
 * {@link WorkerServer}), and the long runs since counted no read recovered this way. Only one demand is ever
 * outstanding, as Jetty requires; the connection's body deadline still bounds the whole read.
 */
final class BodyDemand {
    static final long LOOK_AGAIN_MILLIS = 500;
    static final LongAdder RECOVERED = new LongAdder();

    private final Request request;
    private final Semaphore available = new Semaphore(0);
    private final AtomicBoolean pending = new AtomicBoolean();

    BodyDemand(Request request) {
        this.request = request;
    }

    /** @return whether Jetty called back, rather than the wait running out */
    boolean await() throws InterruptedIOException {
        if (pending.compareAndSet(false, true)) {
            request.demand(() -> {
                pending.set(false);
                available.release();
            });
        }
        try {
            return available.tryAcquire(LOOK_AGAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading the request body");
        }
    }
}
