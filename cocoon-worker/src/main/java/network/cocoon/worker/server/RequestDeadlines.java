package network.cocoon.worker.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;

/**
 * Closes connections that are too slow to deliver a request. An idle timeout alone cannot do this: a client
 * that sends one header byte a second never goes idle. So every connection carries a deadline: its request
 * head must be complete within {@code headMillis} of the connection opening (or of its previous response
 * ending), and its body read within {@code bodyMillis}; while the worker itself is busy with the request
 * there is none. A sweeper closes whatever is past its deadline.
 */
final class RequestDeadlines implements Connection.Listener, AutoCloseable {
    private static final long NONE = Long.MAX_VALUE;

    private final long headNanos;
    private final long bodyNanos;
    private final ConcurrentHashMap<Connection, Deadline> open = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    /** The deadline of one connection, written by its exchange and read by the sweeper. */
    static final class Deadline {
        private volatile long at;

        Deadline(long at) {
            this.at = at;
        }
    }

    RequestDeadlines(long headMillis, long bodyMillis) {
        this.headNanos = TimeUnit.MILLISECONDS.toNanos(headMillis);
        this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(bodyMillis);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cocoon-request-deadlines");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(headMillis, bodyMillis) / 4);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        open.put(connection, new Deadline(System.nanoTime() + headNanos));
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    /** The request head arrived: its body must now be read in time. */
    void readingBody(Connection connection) {
        set(connection, System.nanoTime() + bodyNanos);
    }

    /** The body is in: the worker is busy, and no deadline runs. */
    void processing(Connection connection) {
        set(connection, NONE);
    }

    /** The response ended: the next request head must arrive in time. */
    void awaitingHead(Connection connection) {
        set(connection, System.nanoTime() + headNanos);
    }

    private void set(Connection connection, long at) {
        Deadline deadline = open.get(connection);
        if (deadline != null) {
            deadline.at = at;
        }
    }

    private void sweep() {
        long now = System.nanoTime();
        open.forEach((connection, deadline) -> {
            long at = deadline.at;
            if (at != NONE && now - at > 0) {
                open.remove(connection);
                connection.getEndPoint().close();
            }
        });
    }

    /** Open connections being tracked. */
    int openConnections() {
        return open.size();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
