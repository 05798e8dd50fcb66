package network.cocoon.sdk.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.AttestationException.Reason;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.testing.DevWorkerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AttestationVerifierTest {
    private final DevWorkerFixture fixture = new DevWorkerFixture();
    private final AttestationVerifier verifier = new AttestationVerifier(fixture.policy().build());

    private Reason refusal(AttestationVerifier v, AttestationDocument document, byte[] nonce) {
        return assertThrows(AttestationException.class, () -> v.verify(document, nonce)).reason();
    }

    private Reason refusal(AttestationDocument document) {
        return refusal(verifier, document, fixture.nonce);
    }

    @Test
    void validDevDocumentIsAcceptedAndSurvivesJson() throws Exception {
        AttestationDocument document = fixture.document();
        AttestationDocument parsed = ProtocolJson.read(ProtocolJson.write(document), AttestationDocument.class);
        VerifiedWorker worker = verifier.verify(parsed, fixture.nonce);
        assertEquals(HpkeSuite.X25519_SHA256_CHACHA20POLY1305, worker.suite());
        assertFalse(worker.claims().secure());
        assertEquals(Instant.ofEpochSecond(document.expiresAt()), worker.trustedUntil());
    }

    @Test
    void devEvidenceWithoutTheInsecureSwitchIsRefused() {
        PlatformVerifier tdxOnly = new PlatformVerifier() {
            @Override
            public String platform() {
                return "tdx";
            }

            @Override
            public PlatformClaims verify(AttestationDocument document, Instant now) {
                return new PlatformClaims("tdx", true, Map.of());
            }
        };
        var strict = new AttestationVerifier(AttestationPolicy.builder().platform(tdxOnly)
                .clock(DevWorkerFixture.CLOCK).build());
        assertEquals(Reason.INSECURE_DEVELOPMENT_NOT_ALLOWED, refusal(strict, fixture.document(), fixture.nonce));
        assertThrows(IllegalStateException.class, () -> AttestationPolicy.builder().build(), "trusts nothing");
    }

    static List<Map.Entry<String, UnaryOperator<AttestationDocument>>> tamperings() {
        return List.of(
                Map.entry("hpkeKeyConfig", d -> with(d, "hpkeKeyConfig", flip(d.hpkeKeyConfig()))),
                Map.entry("signingKey", d -> with(d, "signingKey", flip(d.signingKey()))),
                Map.entry("model.id", d -> with(d, "model", new ModelInfo("other", d.model().digest()))),
                Map.entry("model.digest", d -> with(d, "model", new ModelInfo(d.model().id(), "cd".repeat(32)))),
                Map.entry("price.prompt", d -> with(d, "price", new Price(d.price().promptPer1k() + 1,
                        d.price().completionPer1k()))),
                Map.entry("price.completion", d -> with(d, "price", new Price(d.price().promptPer1k(),
                        d.price().completionPer1k() - 1))),
                Map.entry("payout", d -> with(d, "payout", d.payout() + "x")),
                Map.entry("issuedAt", d -> with(d, "issuedAt", d.issuedAt() - 1)),
                Map.entry("expiresAt", d -> with(d, "expiresAt", d.expiresAt() + 1)),
                Map.entry("nonce", d -> with(d, "nonce", flip(d.nonce()))),
                Map.entry("evidence", d -> d.withEvidence(flip(d.evidence()))),
                Map.entry("evidence truncated", d -> d.withEvidence(java.util.Arrays.copyOf(d.evidence(), 63))));
    }

    @ParameterizedTest
    @MethodSource("tamperings")
    void everyBoundFieldIsCoveredByTheEvidence(Map.Entry<String, UnaryOperator<AttestationDocument>> tampering) {
        assertEquals(Reason.EVIDENCE_INVALID, refusal(tampering.getValue().apply(fixture.document())),
                tampering.getKey());
    }

    @Test
    void versionAndPlatformAreChecked() {
        assertEquals(Reason.UNSUPPORTED_VERSION, refusal(with(fixture.document(), "version", "cocoon/v2")));
        assertEquals(Reason.UNSUPPORTED_PLATFORM, refusal(with(fixture.document(), "platform", "sev")));
    }

    @Test
    void evidenceFromAnotherDevRootIsRefused() {
        AttestationDocument unsigned = fixture.unsigned();
        AttestationDocument forged = unsigned.withEvidence(
                DevEvidence.sign(Ed25519KeyPair.generate(), unsigned.reportData()));
        assertEquals(Reason.EVIDENCE_INVALID, refusal(forged));
        // A worker that names its (untrusted) dev root gets a refusal that says which key it would need.
        Ed25519KeyPair otherRoot = Ed25519KeyPair.generate();
        AttestationDocument named = unsigned.withEvidence(DevEvidence.sign(otherRoot, unsigned.reportData()))
                .withDevRoot(otherRoot.publicKey());
        AttestationException e = assertThrows(AttestationException.class, () -> verifier.verify(named, fixture.nonce));
        assertEquals(Reason.EVIDENCE_INVALID, e.reason());
        assertTrue(e.getMessage().contains(java.util.HexFormat.of().formatHex(otherRoot.publicKey())), e.getMessage());
        // The named key is informational: naming the trusted root does not make another root's evidence valid.
        AttestationDocument lying = forged.withDevRoot(fixture.devRoot.publicKey());
        assertEquals(Reason.EVIDENCE_INVALID, refusal(lying));
    }

    @Test
    void freshnessNonceMustBeEchoed() {
        assertEquals(Reason.NONCE_MISMATCH, refusal(verifier, fixture.document(), new byte[] {9}));
        assertEquals(Reason.NONCE_MISMATCH, refusal(verifier, fixture.document(), new byte[0]));
    }

    @Test
    void validityTimesAreEnforced() {
        long now = DevWorkerFixture.NOW.getEpochSecond();
        assertEquals(Reason.EXPIRED, refusal(fixture.signed(with(fixture.unsigned(), "expiresAt", now))));
        assertEquals(Reason.NOT_YET_VALID,
                refusal(fixture.signed(with(fixture.unsigned(), "issuedAt", now + 600))));
        var shortLived = new AttestationVerifier(fixture.policy().maxDocumentAge(Duration.ofSeconds(30)).build());
        assertEquals(Reason.TOO_OLD, refusal(shortLived, fixture.document(), fixture.nonce));
    }

    @Test
    void keysAreChecked() {
        KeyConfig aes256Only = new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, fixture.hpkeKey.publicKey(),
                List.of(new HpkeSuite(HpkeSuite.KEM_X25519_SHA256, HpkeSuite.KDF_HKDF_SHA256, 2)));
        assertEquals(Reason.UNSUPPORTED_KEY_CONFIG,
                refusal(fixture.signed(with(fixture.unsigned(), "hpkeKeyConfig", aes256Only.encode()))));
        assertEquals(Reason.UNSUPPORTED_KEY_CONFIG,
                refusal(fixture.signed(with(fixture.unsigned(), "hpkeKeyConfig", new byte[] {1, 2, 3}))));
        assertEquals(Reason.INVALID_SIGNING_KEY,
                refusal(fixture.signed(with(fixture.unsigned(), "signingKey", new byte[31]))));
    }

    @Test
    void modelAndPriceFollowThePolicy() {
        var otherModel = new AttestationVerifier(fixture.policy().allowModel("cd".repeat(32)).build());
        assertEquals(Reason.MODEL_NOT_ALLOWED, refusal(otherModel, fixture.document(), fixture.nonce));
        var sameModel = new AttestationVerifier(fixture.policy().allowModel("AB".repeat(32)).build());
        sameModel.verify(fixture.document(), fixture.nonce);
        var cheap = new AttestationVerifier(fixture.policy().maxPrice(new Price(1_000, 1_999)).build());
        assertEquals(Reason.PRICE_ABOVE_CAP, refusal(cheap, fixture.document(), fixture.nonce));
    }

    /** A copy of {@code d} with one field replaced, keeping its (now stale) evidence. */
    static AttestationDocument with(AttestationDocument d, String field, Object value) {
        return new AttestationDocument(
                field.equals("version") ? (String) value : d.version(),
                field.equals("platform") ? (String) value : d.platform(),
                d.evidence(),
                field.equals("hpkeKeyConfig") ? (byte[]) value : d.hpkeKeyConfig(),
                field.equals("signingKey") ? (byte[]) value : d.signingKey(),
                field.equals("model") ? (ModelInfo) value : d.model(),
                field.equals("price") ? (Price) value : d.price(),
                field.equals("payout") ? (String) value : d.payout(),
                field.equals("issuedAt") ? (Long) value : d.issuedAt(),
                field.equals("expiresAt") ? (Long) value : d.expiresAt(),
                field.equals("nonce") ? (byte[]) value : d.nonce());
    }

    static byte[] flip(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[copy.length - 1] ^= 1;
        return copy;
    }
}
