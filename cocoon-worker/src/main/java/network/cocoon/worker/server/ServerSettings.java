package network.cocoon.worker.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the worker's HTTP server listens and what it accepts. The time and connection limits keep slow or
 * hostile clients from holding the worker: see {@code docs/protocol.md}, section "Transport limits".
 *
 * @param address where to listen (port 0 picks a free one)
 * @param maxMessageBytes largest sealed request accepted
 * @param replayWindow how far a request's timestamp may be from the worker's clock
 * @param replayCapacity most request ids remembered at once; beyond it the worker answers busy
 * @param clock the worker's clock
 * @param maxConnections most open connections; beyond it the worker stops accepting until one closes
 * @param requestHeadTimeout how long a connection may take to deliver a whole request line and headers, from
 *     when it opened or its previous response ended; then it is closed (this also closes idle keep-alives)
 * @param requestBodyTimeout how long reading one request's body may take in all
 * @param idleTimeout how long a single read or write may make no progress
 * @param maxHeaderBytes largest request line and header section; larger ones get 431
 * @param admission what one client may ask at once and per second
 */
public record ServerSettings(InetSocketAddress address, int maxMessageBytes, Duration replayWindow,
                             int replayCapacity, Clock clock, int maxConnections, Duration requestHeadTimeout,
                             Duration requestBodyTimeout, Duration idleTimeout, int maxHeaderBytes,
                             AdmissionLimits admission) {
    /** Validates the limits. */
    public ServerSettings {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(replayWindow, "replayWindow");
        Objects.requireNonNull(requestHeadTimeout, "requestHeadTimeout");
        Objects.requireNonNull(requestBodyTimeout, "requestBodyTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(admission, "admission");
        if (maxMessageBytes < 64) {
            throw new IllegalArgumentException("maxMessageBytes must be at least 64");
        }
        if (replayCapacity < 1) {
            throw new IllegalArgumentException("replayCapacity must be positive");
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be positive");
        }
        if (maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("maxHeaderBytes must be at least 1024");
        }
        for (Duration d : new Duration[] {replayWindow, requestHeadTimeout, requestBodyTimeout, idleTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("server timeouts and windows must be positive");
            }
        }
    }

    /**
     * Defaults: 1 MiB messages, a 2-minute replay window, one million remembered ids, 4,096 connections,
     * 10 s for a request head, 30 s for a body, 30 s without progress, 8 KiB of headers, and
     * {@link AdmissionLimits#defaults()} per client.
     */
    public static ServerSettings defaults(InetSocketAddress address) {
        return new ServerSettings(address, 1024 * 1024, Duration.ofMinutes(2), 1_000_000, Clock.systemUTC(),
                4096, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 8 * 1024,
                AdmissionLimits.defaults());
    }

    /** These settings with another clock (the replay window and answers' {@code created} read it). */
    public ServerSettings withClock(Clock other) {
        return new ServerSettings(address, maxMessageBytes, replayWindow, replayCapacity, other, maxConnections,
                requestHeadTimeout, requestBodyTimeout, idleTimeout, maxHeaderBytes, admission);
    }

    /** These settings with another limit on how long one read or write may make no progress. */
    public ServerSettings withIdleTimeout(Duration timeout) {
        return new ServerSettings(address, maxMessageBytes, replayWindow, replayCapacity, clock, maxConnections,
                requestHeadTimeout, requestBodyTimeout, timeout, maxHeaderBytes, admission);
    }

    /** These settings with another connection cap. */
    public ServerSettings withMaxConnections(int max) {
        return new ServerSettings(address, maxMessageBytes, replayWindow, replayCapacity, clock, max,
                requestHeadTimeout, requestBodyTimeout, idleTimeout, maxHeaderBytes, admission);
    }

    /** These settings with other request deadlines. */
    public ServerSettings withRequestTimeouts(Duration head, Duration body) {
        return new ServerSettings(address, maxMessageBytes, replayWindow, replayCapacity, clock, maxConnections,
                head, body, idleTimeout, maxHeaderBytes, admission);
    }

    /** These settings with other per-client limits. */
    public ServerSettings withAdmission(AdmissionLimits limits) {
        return new ServerSettings(address, maxMessageBytes, replayWindow, replayCapacity, clock, maxConnections,
                requestHeadTimeout, requestBodyTimeout, idleTimeout, maxHeaderBytes, limits);
    }
}
