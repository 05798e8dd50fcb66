package network.cocoon.worker.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntSupplier;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The worker's metrics, served at {@code GET /metrics} in Prometheus' text format. Labels are fixed values (an
 * outcome is an error code's wire name or {@code ok}), never request content. Thread-safe.
 */
public final class WorkerMetrics {
    /** The content type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("cocoon_requests_total")
            .help("Sealed requests answered, by outcome: ok or the error code").labelNames("outcome")
            .register(registry);
    private final Counter tokens = Counter.builder().name("cocoon_tokens_total")
            .help("Tokens served in answered requests, by kind: prompt or completion").labelNames("kind")
            .register(registry);
    private final Counter earnings = Counter.builder().name("cocoon_earnings_nanotons_total")
            .help("Nanotons charged in the receipts this worker signed").register(registry);
    private final Histogram firstToken = Histogram.builder().name("cocoon_time_to_first_token_seconds")
            .help("From a request's admission to its first generated token")
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Histogram perToken = Histogram.builder().name("cocoon_time_per_token_seconds")
            .help("Mean time per completion token after the first, per request")
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1).register(registry);

    /** Metrics whose queue-depth gauge reads {@code queueDepth}. */
    public WorkerMetrics(IntSupplier queueDepth) {
        GaugeWithCallback.builder().name("cocoon_queue_depth")
                .help("Requests waiting for the engine").callback(cb -> cb.call(queueDepth.getAsInt()))
                .register(registry);
    }

    /** A sealed request ended with {@code outcome} ({@code ok} or an error code's wire name). */
    public void request(String outcome) {
        requests.labelValues(outcome).inc();
    }

    /** An answered request's token counts. */
    public void tokens(long prompt, long completion) {
        tokens.labelValues("prompt").inc(prompt);
        tokens.labelValues("completion").inc(completion);
    }

    /** A receipt's amount. */
    public void earned(long nanotons) {
        earnings.inc(nanotons);
    }

    /** Latencies of one answer: to its first token, and per token after it (when there was more than one). */
    public void latencies(long admittedNanos, long firstTokenNanos, long lastTokenNanos, long completionTokens) {
        if (firstTokenNanos == 0) {
            return;
        }
        firstToken.observe((firstTokenNanos - admittedNanos) / 1e9);
        if (completionTokens > 1) {
            perToken.observe((lastTokenNanos - firstTokenNanos) / 1e9 / (completionTokens - 1));
        }
    }

    /** The metrics in Prometheus' text format. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
