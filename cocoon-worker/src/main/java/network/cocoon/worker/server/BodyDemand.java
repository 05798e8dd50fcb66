package network.cocoon.worker.server;

import java.io.InterruptedIOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.server.Request;

/**
 * Waits for more of a request's body. Jetty calls back when the connection is readable; under load that
 * callback has been seen to go missing (a request whose remaining body bytes sat unread on the socket until
 * its deadline, about once in 10^5 requests beside fuzzed connections). So a wait also ends after
 * {@link #LOOK_AGAIN_MILLIS}, and the reader reads again: Jetty's read fills from the socket itself. Only one
 * demand is ever outstanding, as Jetty requires; the connection's body deadline still bounds the whole read.
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
