package network.cocoon.sdk.attestation;

import java.util.Map;
import java.util.Objects;

/**
 * What verified evidence proved about a worker.
 *
 * @param platform the platform that produced the evidence
 * @param secure whether the evidence is rooted in hardware ({@code false} for {@code dev})
 * @param measurements platform measurements by name (for TDX: MRTD, RTMR0-3, TCB status), hex values
 */
public record PlatformClaims(String platform, boolean secure, Map<String, String> measurements) {
    /** Validates presence and copies the map. */
    public PlatformClaims {
        Objects.requireNonNull(platform, "platform");
        measurements = Map.copyOf(measurements);
    }
}
