package network.cocoon.sdk;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.routing.DirectoryException;
import network.cocoon.sdk.routing.WorkerDirectory;

/**
 * Picks the worker for each request: the power of two choices over the workers the directory lists, less
 * those already tried for this request and those ejected, by a score of expected latency (EWMA time to first
 * token and per token, times the requests in flight) and attested price. When every worker is ejected, the
 * one whose ejection ends first is probed.
 */
final class Router {
    /** How much a worker's price weighs against its latency: at 1, twice the price counts as twice as slow. */
    static final double PRICE_WEIGHT = 0.5;

    private final WorkerDirectory directory;
    private final Function<URI, WorkerConnection> connect;
    private final Supplier<RandomGenerator> random;
    private final LongSupplier nanoTime;
    private final Map<URI, WorkerConnection> connections = new ConcurrentHashMap<>();
    private volatile List<WorkerConnection> last = List.of();

    /**
     * @param random the source of the two choices, per calling thread (not cryptographic: a choice reveals
     *     nothing and must cost little)
     */
    Router(WorkerDirectory directory, Function<URI, WorkerConnection> connect, Supplier<RandomGenerator> random,
           LongSupplier nanoTime) {
        this.directory = directory;
        this.connect = connect;
        this.random = random;
        this.nanoTime = nanoTime;
    }

    /** The listed workers; a directory failure keeps the last list (each entry is verified anyway). */
    List<WorkerConnection> workers() {
        List<URI> endpoints;
        try {
            endpoints = directory.endpoints();
        } catch (DirectoryException e) {
            if (last.isEmpty()) {
                throw new TransportException("the worker directory gave no workers: " + e.getMessage(), e);
            }
            return last;
        }
        List<WorkerConnection> listed = new ArrayList<>(endpoints.size());
        for (URI endpoint : endpoints) {
            listed.add(connections.computeIfAbsent(endpoint, connect));
        }
        last = List.copyOf(listed);
        return last;
    }

    /**
     * The worker for the next attempt of a request.
     *
     * @param tried workers this request already failed on
     * @return a worker, or {@code null} when none is left
     */
    WorkerConnection pick(Collection<WorkerConnection> tried) {
        long now = nanoTime.getAsLong();
        List<WorkerConnection> usable = new ArrayList<>();
        WorkerConnection probe = null;
        for (WorkerConnection c : workers()) {
            if (tried.contains(c)) {
                continue;
            }
            if (!c.health().ejected(now)) {
                usable.add(c);
            } else if (probe == null || c.health().ejectedUntil() - probe.health().ejectedUntil() < 0) {
                probe = c;
            }
        }
        if (usable.isEmpty()) {
            return probe;
        }
        if (usable.size() == 1) {
            return usable.get(0);
        }
        RandomGenerator rng = random.get();
        int i = rng.nextInt(usable.size());
        int j = rng.nextInt(usable.size() - 1);
        if (j >= i) {
            j++;
        }
        WorkerConnection a = usable.get(i);
        WorkerConnection b = usable.get(j);
        double pa = price(a);
        double pb = price(b);
        double max = Math.max(pa, pb);
        double sa = a.health().latencyScore() * (1 + (max > 0 ? PRICE_WEIGHT * pa / max : 0));
        double sb = b.health().latencyScore() * (1 + (max > 0 ? PRICE_WEIGHT * pb / max : 0));
        return sa <= sb ? a : b;
    }

    /** The attested price for a typical answer, or 0 while the worker has not been verified. */
    private static double price(WorkerConnection c) {
        VerifiedWorker verified = c.cachedVerification();
        if (verified == null) {
            return 0;
        }
        Price p = verified.document().price();
        return (double) p.promptPer1k() + p.completionPer1k();
    }

    /** Ejects a worker after a failure that says something about it. */
    void failed(WorkerConnection c) {
        c.health().failed(nanoTime.getAsLong(), 0.5 + random.get().nextDouble());
    }
}
