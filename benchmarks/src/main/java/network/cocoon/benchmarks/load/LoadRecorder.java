package network.cocoon.benchmarks.load;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.IntegrityException;
import network.cocoon.sdk.PaymentException;
import network.cocoon.sdk.TransportException;
import network.cocoon.sdk.WorkerRejectedException;
import network.cocoon.sdk.protocol.ErrorCode;

/** What every request of a load run ended in, by kind of request; thread-safe. */
final class LoadRecorder {
    /** The kinds of request the load mixes. */
    enum Kind {
        SINGLE("single-shot"), STREAM("streamed");

        final String label;

        Kind(String label) {
            this.label = label;
        }

        boolean streamed() {
            return this == STREAM;
        }
    }

    /** Outcomes that are a correct end of a request under overload: an answer, or a refusal saying when to retry. */
    static final String OK = "ok";
    static final String BUSY = "busy, with Retry-After";
    static final String RATE_LIMITED = "rate_limited, with Retry-After";

    private final Map<Kind, PerKind> kinds = new EnumMap<>(Kind.class);

    LoadRecorder() {
        for (Kind k : Kind.values()) {
            kinds.put(k, new PerKind());
        }
    }

    /** A verified answer after {@code nanos}; {@code firstNanos} until its first text (streams), else 0. */
    void answered(Kind kind, long nanos, long firstNanos, long completionTokens, boolean asExpected) {
        PerKind k = kinds.get(kind);
        k.latencies.add(nanos);
        if (firstNanos > 0) {
            k.firstText.add(firstNanos);
        }
        k.tokens.add(completionTokens);
        if (!asExpected) {
            k.unexpectedAnswers.increment();
        }
        k.count(OK);
    }

    /** A request that ended in {@code failure}; returns its outcome's name. */
    String failed(Kind kind, Throwable failure) {
        String outcome = outcome(failure);
        kinds.get(kind).count(outcome);
        return outcome;
    }

    /**
     * The outcome's name: the exception's type and, where it has one, its code or reason. Never the message,
     * which may hold text from the worker.
     */
    static String outcome(Throwable failure) {
        if (failure instanceof WorkerRejectedException r) {
            boolean hinted = r.retryAfter().isPresent();
            if (r.code() == ErrorCode.BUSY) {
                return hinted ? BUSY : "busy, without Retry-After";
            }
            if (r.code() == ErrorCode.RATE_LIMITED) {
                return hinted ? RATE_LIMITED : "rate_limited, without Retry-After";
            }
            return "rejected: " + r.code().wireName();
        }
        if (failure instanceof TransportException t) {
            return t.getCause() instanceof java.io.InterruptedIOException ? "transport: timed out" : "transport";
        }
        if (failure instanceof IntegrityException i) {
            return "integrity: " + i.reason();
        }
        if (failure instanceof PaymentException p) {
            return "payment: " + p.reason();
        }
        if (failure instanceof AttestationException a) {
            return "attestation: " + a.reason();
        }
        return "unexpected: " + failure.getClass().getName();
    }

    /** Whether an outcome is one the issue allows: an answer or a refusal that says when to come back. */
    static boolean acceptable(String outcome) {
        return outcome.equals(OK) || outcome.equals(BUSY) || outcome.equals(RATE_LIMITED);
    }

    Summary summary(Kind kind) {
        return kinds.get(kind).summary();
    }

    /** One kind's figures. Latencies in milliseconds; percentiles by nearest rank. */
    record Summary(long answered, long completionTokens, long unexpectedAnswers, double p50, double p90, double p99,
                   double max, double firstTextP50, double firstTextP99, Map<String, Long> outcomes) {
        long requests() {
            return outcomes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static final class PerKind {
        final LongList latencies = new LongList();
        final LongList firstText = new LongList();
        final LongAdder tokens = new LongAdder();
        final LongAdder unexpectedAnswers = new LongAdder();
        final ConcurrentHashMap<String, LongAdder> outcomes = new ConcurrentHashMap<>();

        void count(String outcome) {
            outcomes.computeIfAbsent(outcome, o -> new LongAdder()).increment();
        }

        Summary summary() {
            long[] l = latencies.sorted();
            long[] f = firstText.sorted();
            Map<String, Long> o = new TreeMap<>();
            outcomes.forEach((k, v) -> o.put(k, v.sum()));
            return new Summary(l.length, tokens.sum(), unexpectedAnswers.sum(), ms(l, 0.50), ms(l, 0.90), ms(l, 0.99),
                    ms(l, 1.0), ms(f, 0.50), ms(f, 0.99), o);
        }
    }

    static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    /** A growable list of longs, appended under its own lock (a few thousand appends a second at most). */
    private static final class LongList {
        private long[] values = new long[1024];
        private int size;

        synchronized void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized long[] sorted() {
            long[] out = Arrays.copyOf(values, size);
            Arrays.sort(out);
            return out;
        }
    }
}
