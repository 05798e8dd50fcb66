package network.cocoon.worker.server;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Per-client rate limits and in-flight caps, so that one client cannot take the worker from others. Memory is
 * bounded: idle clients (full bucket, nothing in flight) are forgotten once more than {@link #MAX_CLIENTS} are
 * known, and while that many are active, new clients are refused rather than tracked.
 */
final class ClientAdmission {
    static final int MAX_CLIENTS = 100_000;

    /** The outcome of {@link #admit}: admitted (release it when done), or refused with a retry hint. */
    sealed interface Decision permits Admitted, Refused {
    }

    /** Admitted: {@link #release()} once the request is answered. */
    record Admitted(Runnable release) implements Decision {
    }

    /**
     * Refused.
     *
     * @param retryAfterSeconds when a retry may pass, rounded up, at least 1
     * @param reason a fixed text
     */
    record Refused(long retryAfterSeconds, String reason) implements Decision {
    }

    private final AdmissionLimits limits;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<ByteBuffer, Client> clients = new ConcurrentHashMap<>();

    private static final class Client {
        double tokens;
        long refilledAt;
        int inFlight;
    }

    ClientAdmission(AdmissionLimits limits, LongSupplier nanoTime) {
        this.limits = limits;
        this.nanoTime = nanoTime;
    }

    /** Takes a token and an in-flight slot for the client, or says when to come back. */
    Decision admit(byte[] clientKey) {
        long now = nanoTime.getAsLong();
        ByteBuffer key = ByteBuffer.wrap(clientKey.clone());
        if (clients.size() >= MAX_CLIENTS && !clients.containsKey(key)) {
            forgetIdle(now);
            if (clients.size() >= MAX_CLIENTS) {
                return new Refused(1, "too many clients at once");
            }
        }
        Client client = clients.computeIfAbsent(key, k -> {
            Client c = new Client();
            c.tokens = limits.burst();
            c.refilledAt = now;
            return c;
        });
        synchronized (client) {
            refill(client, now);
            if (client.inFlight >= limits.inFlight()) {
                return new Refused(1, "too many requests of this client in flight");
            }
            if (client.tokens < 1) {
                double wait = (1 - client.tokens) / limits.requestsPerSecond();
                return new Refused(Math.max(1, (long) Math.ceil(wait)), "this client's request rate is over the"
                        + " limit");
            }
            client.tokens -= 1;
            client.inFlight++;
        }
        return new Admitted(() -> {
            synchronized (client) {
                client.inFlight--;
            }
        });
    }

    private void refill(Client client, long now) {
        double elapsed = (now - client.refilledAt) / 1e9;
        client.tokens = Math.min(limits.burst(), client.tokens + elapsed * limits.requestsPerSecond());
        client.refilledAt = now;
    }

    private void forgetIdle(long now) {
        for (Iterator<Map.Entry<ByteBuffer, Client>> it = clients.entrySet().iterator(); it.hasNext();) {
            Client c = it.next().getValue();
            synchronized (c) {
                refill(c, now);
                if (c.inFlight == 0 && c.tokens >= limits.burst()) {
                    it.remove();
                }
            }
        }
    }

    /** Clients tracked now, for tests. */
    int tracked() {
        return clients.size();
    }
}
