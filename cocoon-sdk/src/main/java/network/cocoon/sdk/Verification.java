package network.cocoon.sdk;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;

/**
 * What the SDK verified before returning an answer.
 *
 * @param worker the endpoint that answered
 * @param platform the attestation platform ({@code tdx}, {@code dev}, ...)
 * @param hardwareBacked whether the evidence is rooted in hardware ({@code false} for {@code dev})
 * @param measurements the platform's verified measurements
 * @param model the attested model, whose digest the signed statement repeats
 * @param price the attested price
 * @param signingKey hex of the attested Ed25519 key that signed the result
 * @param requestHash hex SHA-256 of the sealed request, as signed by the worker
 * @param attestationTrustedUntil when the worker's attestation must be verified again
 */
public record Verification(URI worker, String platform, boolean hardwareBacked, Map<String, String> measurements,
                           ModelInfo model, Price price, String signingKey, String requestHash,
                           Instant attestationTrustedUntil) {
    /** Validates presence and copies the map. */
    public Verification {
        Objects.requireNonNull(worker);
        measurements = Map.copyOf(measurements);
    }
}
