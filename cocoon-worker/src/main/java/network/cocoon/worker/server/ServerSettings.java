package network.cocoon.worker.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How the worker's HTTP server listens and what it accepts.
 *
 * @param address where to listen (port 0 picks a free one)
 * @param maxMessageBytes largest sealed request accepted
 * @param replayWindow how far a request's timestamp may be from the worker's clock
 * @param replayCapacity most request ids remembered at once; beyond it the worker answers busy
 * @param clock the worker's clock
 */
public record ServerSettings(InetSocketAddress address, int maxMessageBytes, Duration replayWindow,
                             int replayCapacity, Clock clock) {
    /** Validates the limits. */
    public ServerSettings {
        Objects.requireNonNull(address);
        Objects.requireNonNull(clock);
        if (maxMessageBytes < 64 || replayCapacity < 1 || replayWindow.isNegative() || replayWindow.isZero()) {
            throw new IllegalArgumentException("invalid server limits");
        }
    }

    /** Defaults: 1 MiB messages, a 2-minute window, one million remembered ids. */
    public static ServerSettings defaults(InetSocketAddress address) {
        return new ServerSettings(address, 1024 * 1024, Duration.ofMinutes(2), 1_000_000, Clock.systemUTC());
    }
}
