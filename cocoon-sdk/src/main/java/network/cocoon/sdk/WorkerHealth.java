package network.cocoon.sdk;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the client has seen of one worker: exponentially weighted time to first token and per-token time, the
 * requests in flight, and whether it is ejected (with a backoff that doubles per consecutive failure, with
 * jitter, until a request succeeds). Thread-safe.
 */
final class WorkerHealth {
    /** Weight of the newest sample in the moving averages. */
    static final double ALPHA = 0.3;
    /** The first ejection's length; each consecutive failure doubles it, up to {@link #MAX_EJECTION_NANOS}. */
    static final long BASE_EJECTION_NANOS = 1_000_000_000L;
    static final long MAX_EJECTION_NANOS = 60_000_000_000L;
    /** Tokens assumed per answer when time to first token and per-token time are combined into one figure. */
    static final int TYPICAL_TOKENS = 32;

    private final AtomicInteger inFlight = new AtomicInteger();
    private double ttftNanos = Double.NaN;
    private double perTokenNanos = Double.NaN;
    private int failures;
    private long ejectedUntil;
    private boolean ejected;

    void started() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    int inFlight() {
        return inFlight.get();
    }

    /**
     * A verified answer: folds its timings into the averages and ends any ejection.
     *
     * @param ttftNanos time to the first token (or, single-shot, to the whole answer)
     * @param perTokenNanos time per token after the first, or {@code NaN} when not measured
     */
    synchronized void succeeded(long ttftNanos, double perTokenNanos) {
        this.ttftNanos = Double.isNaN(this.ttftNanos) ? ttftNanos : ALPHA * ttftNanos + (1 - ALPHA) * this.ttftNanos;
        if (!Double.isNaN(perTokenNanos)) {
            this.perTokenNanos = Double.isNaN(this.perTokenNanos) ? perTokenNanos
                    : ALPHA * perTokenNanos + (1 - ALPHA) * this.perTokenNanos;
        }
        failures = 0;
        ejected = false;
    }

    /**
     * A failure that says something about the worker (unreachable, refused evidence, busy): ejects it for a
     * backoff that doubles with each consecutive failure.
     *
     * @param now the current {@link System#nanoTime()}
     * @param jitter a factor in [0.5, 1.5) drawn by the caller
     */
    synchronized void failed(long now, double jitter) {
        failures = Math.min(failures + 1, 30);
        long backoff = Math.min(MAX_EJECTION_NANOS, BASE_EJECTION_NANOS << Math.min(failures - 1, 6));
        ejectedUntil = now + (long) (backoff * jitter);
        ejected = true;
    }

    /** Whether the worker is out of rotation at {@code now}. */
    synchronized boolean ejected(long now) {
        return ejected && now - ejectedUntil < 0;
    }

    /** When its ejection ends, for choosing a probe when every worker is out. */
    synchronized long ejectedUntil() {
        return ejectedUntil;
    }

    /**
     * Expected time for a typical answer, scaled by the queue it would join. An unmeasured worker scores as the
     * fastest, so that new workers are tried.
     */
    synchronized double latencyScore() {
        double ttft = Double.isNaN(ttftNanos) ? 0 : ttftNanos;
        double perToken = Double.isNaN(perTokenNanos) ? 0 : perTokenNanos;
        // A floor of 1 ms keeps requests in flight counting between unmeasured workers.
        return (1_000_000 + ttft + TYPICAL_TOKENS * perToken) * (1 + inFlight.get());
    }
}
