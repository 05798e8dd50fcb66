package network.cocoon.worker.server;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refuses requests whose timestamp is outside a window around the worker's clock, and request ids seen
 * within that window. An id is remembered until its timestamp leaves the window, after which the timestamp
 * check alone refuses it, so memory stays bounded by the request rate times the window.
 */
final class ReplayGuard {
    /** The outcome of admitting a request. */
    enum Verdict { ACCEPTED, STALE, REPLAYED, FULL }

    private final Clock clock;
    private final long windowMillis;
    private final int capacity;
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    private final AtomicLong nextPurge = new AtomicLong();

    ReplayGuard(Clock clock, Duration window, int capacity) {
        this.clock = clock;
        this.windowMillis = window.toMillis();
        this.capacity = capacity;
    }

    Verdict admit(String requestId, long timestampMillis) {
        long now = clock.millis();
        if (Math.abs(now - timestampMillis) > windowMillis) {
            return Verdict.STALE;
        }
        purgeExpired(now);
        if (seen.size() >= capacity) {
            // Forgetting a live id would let it be replayed: refuse new work instead.
            return Verdict.FULL;
        }
        long forgetAt = timestampMillis + windowMillis;
        return seen.putIfAbsent(requestId, forgetAt) == null ? Verdict.ACCEPTED : Verdict.REPLAYED;
    }

    private void purgeExpired(long now) {
        long due = nextPurge.get();
        if (now >= due && nextPurge.compareAndSet(due, now + Math.max(1, windowMillis / 4))) {
            seen.values().removeIf(forgetAt -> forgetAt < now);
        }
    }
}
