package network.cocoon.worker.server;

/**
 * What one client may ask of the worker: a token bucket of requests (a sustained rate and a burst) and a cap on
 * its requests in flight. A client is its payment channel's key, or, unpaid, the request's HPKE encapsulated key.
 *
 * @param requestsPerSecond the sustained rate; tokens refill at this rate
 * @param burst the bucket's size: requests a quiet client may send at once
 * @param inFlight requests of one client being answered at once
 */
public record AdmissionLimits(double requestsPerSecond, int burst, int inFlight) {
    /** Validates the limits. */
    public AdmissionLimits {
        if (!(requestsPerSecond > 0) || burst < 1 || inFlight < 1) {
            throw new IllegalArgumentException("admission limits must be positive");
        }
    }

    /** Defaults: 20 requests a second, bursts of 100, 8 in flight per client. */
    public static AdmissionLimits defaults() {
        return new AdmissionLimits(20, 100, 8);
    }
}
