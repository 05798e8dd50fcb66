package network.cocoon.sdk.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.DevEvidence;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Labels;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;

/** A dev-platform worker identity with a pinned clock, for tests that need signed documents. */
public final class DevWorkerFixture {
    public static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    public static final ModelInfo MODEL = new ModelInfo("test-model", "ab".repeat(32));
    public static final Price PRICE = new Price(1_000, 2_000);

    public final Ed25519KeyPair devRoot = Ed25519KeyPair.generate();
    public final HpkeKeyPair hpkeKey = HpkeKeyPair.generate();
    public final KeyConfig keyConfig = new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, hpkeKey.publicKey(),
            List.of(HpkeSuite.X25519_SHA256_CHACHA20POLY1305, HpkeSuite.X25519_SHA256_AES128GCM));
    public final Ed25519KeyPair signingKey = Ed25519KeyPair.generate();
    public final byte[] nonce = new byte[] {1, 2, 3, 4};

    /** An unsigned document valid at {@link #NOW} for an hour. */
    public AttestationDocument unsigned() {
        return new AttestationDocument(Labels.VERSION, DevEvidence.PLATFORM, null, keyConfig.encode(),
                signingKey.publicKey(), MODEL, PRICE, "EQpayout", NOW.getEpochSecond() - 60,
                NOW.getEpochSecond() + 3600, nonce);
    }

    /** {@code document} with dev evidence by this fixture's dev root. */
    public AttestationDocument signed(AttestationDocument document) {
        return document.withEvidence(DevEvidence.sign(devRoot, document.reportData()));
    }

    /** A valid signed document. */
    public AttestationDocument document() {
        return signed(unsigned());
    }

    /** A policy that trusts this fixture's dev root at {@link #NOW}. */
    public AttestationPolicy.Builder policy() {
        return AttestationPolicy.builder().allowInsecureDevelopmentEvidence(devRoot.publicKey()).clock(CLOCK);
    }
}
