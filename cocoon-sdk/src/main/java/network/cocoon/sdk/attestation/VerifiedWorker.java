package network.cocoon.sdk.attestation;

import java.time.Instant;
import java.util.Objects;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;

/**
 * A worker whose attestation document passed the policy: the keys and terms that everything after is tied to.
 *
 * @param document the verified document
 * @param keyConfig its parsed HPKE key config
 * @param suite the suite the client seals with (the worker's most preferred supported one)
 * @param claims what the platform evidence proved
 * @param trustedUntil when the client must verify again (the earlier of expiry and maximum age)
 */
public record VerifiedWorker(AttestationDocument document, KeyConfig keyConfig, HpkeSuite suite,
                             PlatformClaims claims, Instant trustedUntil) {
    /** Validates presence. */
    public VerifiedWorker {
        Objects.requireNonNull(document);
        Objects.requireNonNull(keyConfig);
        Objects.requireNonNull(suite);
        Objects.requireNonNull(claims);
        Objects.requireNonNull(trustedUntil);
    }

    /** The attested Ed25519 signing key. */
    public byte[] signingKey() {
        return document.signingKey();
    }
}
