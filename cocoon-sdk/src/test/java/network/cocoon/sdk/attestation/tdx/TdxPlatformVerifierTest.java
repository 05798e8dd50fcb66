package network.cocoon.sdk.attestation.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.AttestationException.Reason;
import network.cocoon.sdk.attestation.AttestationPolicy;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.attestation.VerifiedWorker;
import network.cocoon.sdk.crypto.Ed25519KeyPair;
import network.cocoon.sdk.crypto.HpkeKeyPair;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.HpkeSuite;
import network.cocoon.sdk.protocol.KeyConfig;
import network.cocoon.sdk.protocol.Labels;
import network.cocoon.sdk.protocol.ModelInfo;
import network.cocoon.sdk.protocol.Price;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Attestation documents with TDX evidence, held to a TDX policy, through the SDK's attestation verifier. */
class TdxPlatformVerifierTest {
    static final byte[] NONCE = {7, 7, 7};
    SyntheticPki pki;
    String image;

    @BeforeEach
    void setUp() throws Exception {
        DcapSyntheticPkiTest.load();
        pki = new SyntheticPki(DcapSyntheticPkiTest.real, DcapSyntheticPkiTest.realPck);
        image = HexFormat.of().formatHex(Arrays.copyOfRange(pki.quote(), SyntheticPki.MRTD, SyntheticPki.MRTD + 48));
    }

    AttestationDocument unsigned() {
        long at = DcapSyntheticPkiTest.now.getEpochSecond();
        KeyConfig config = new KeyConfig(1, HpkeSuite.KEM_X25519_SHA256, HpkeKeyPair.generate().publicKey(),
                List.of(HpkeSuite.X25519_SHA256_CHACHA20POLY1305));
        return new AttestationDocument(Labels.VERSION, TdxPlatformVerifier.PLATFORM, null, config.encode(),
                Ed25519KeyPair.generate().publicKey(), new ModelInfo("m", "ab".repeat(32)), new Price(1, 2), "EQ",
                at - 10, at + 3600, NONCE);
    }

    /** A document whose evidence is a quote binding its report data, with extra edits to the TD report. */
    AttestationDocument quoted(AttestationDocument unsigned, Consumer<byte[]> edit) throws Exception {
        byte[] reportData = unsigned.reportData();
        return unsigned.withEvidence(pki.quote(signed -> {
            System.arraycopy(reportData, 0, signed, SyntheticPki.REPORT_DATA, 64);
            edit.accept(signed);
        }));
    }

    VerifiedWorker verify(TdxPlatformVerifier.Builder tdx, AttestationDocument document, Consumer<ObjectNode> tcbEdit)
            throws Exception {
        TdxCollateral collateral = pki.collateral(DcapSyntheticPkiTest.realCollateral, tcbEdit, n -> { },
                DcapSyntheticPkiTest.now, List.of(), List.of());
        var policy = AttestationPolicy.builder()
                .platform(tdx.dcapVerifier(pki.verifier()).collateral(CollateralSource.offline(collateral)).build())
                .clock(Clock.fixed(DcapSyntheticPkiTest.now, ZoneOffset.UTC)).build();
        return new AttestationVerifier(policy).verify(document, NONCE);
    }

    Reason refusal(TdxPlatformVerifier.Builder tdx, AttestationDocument document, Consumer<ObjectNode> tcbEdit) {
        return assertThrows(AttestationException.class, () -> verify(tdx, document, tcbEdit)).reason();
    }

    TdxPlatformVerifier.Builder policy() {
        return TdxPlatformVerifier.builder().allowImage(TdxMeasurements.ofMrTd(image));
    }

    @Test
    void aQuoteBindingTheDocumentIsAccepted() throws Exception {
        VerifiedWorker worker = verify(policy(), quoted(unsigned(), s -> { }), n -> { });
        assertTrue(worker.claims().secure());
        assertEquals(image, worker.claims().measurements().get("mrtd"));
        assertEquals("UpToDate", worker.claims().measurements().get("tcbStatus"));
    }

    @Test
    void aQuoteForOtherDataIsRefused() throws Exception {
        AttestationDocument document = quoted(unsigned(), s -> { });
        AttestationDocument otherPrice = new AttestationDocument(document.version(), document.platform(),
                document.evidence(), document.hpkeKeyConfig(), document.signingKey(), document.model(),
                new Price(0, 0), document.payout(), document.issuedAt(), document.expiresAt(), document.nonce());
        assertEquals(Reason.REPORT_DATA_MISMATCH, refusal(policy(), otherPrice, n -> { }));
    }

    @Test
    void aGenuineIntelQuoteOverOtherDataIsRefused() throws Exception {
        AttestationDocument document = unsigned().withEvidence(DcapVerifierTest.resource("tdx_quote"));
        var policy = AttestationPolicy.builder().platform(TdxPlatformVerifier.builder()
                        .allowImage(TdxMeasurements.ofMrTd(image))
                        .collateral(CollateralSource.offline(DcapSyntheticPkiTest.realCollateral)).build())
                .clock(Clock.fixed(DcapSyntheticPkiTest.now, ZoneOffset.UTC)).build();
        var e = assertThrows(AttestationException.class, () -> new AttestationVerifier(policy).verify(document, NONCE));
        assertEquals(Reason.REPORT_DATA_MISMATCH, e.reason());
    }

    @Test
    void debugIsReportedBeforeAReportDataMismatch() throws Exception {
        AttestationDocument debugElsewhere = unsigned().withEvidence(pki.quote(s -> s[SyntheticPki.TD_ATTRIBUTES] |= 1));
        assertEquals(Reason.DEBUG_NOT_ALLOWED, refusal(policy(), debugElsewhere, n -> { }));
    }

    /** A TD 1.5 quote binding this document, with MRSERVICETD set as given. */
    AttestationDocument quotedTd15(AttestationDocument unsigned, byte[] mrServiceTd) throws Exception {
        byte[] reportData = unsigned.reportData();
        return unsigned.withEvidence(pki.quoteTd15(signed -> {
            System.arraycopy(reportData, 0, signed, SyntheticPki.TD15_REPORT_DATA, 64);
            System.arraycopy(mrServiceTd, 0, signed, SyntheticPki.TD15_MR_SERVICE_TD, 48);
        }));
    }

    @Test
    void serviceTdBindingIsRefusedUnlessItsMeasurementIsAllowed() throws Exception {
        VerifiedWorker unbound = verify(policy(), quotedTd15(unsigned(), new byte[48]), n -> { });
        assertEquals("00".repeat(48), unbound.claims().measurements().get("mrServiceTd"));
        byte[] migrationTd = new byte[48];
        Arrays.fill(migrationTd, (byte) 0x5a);
        AttestationDocument bound = quotedTd15(unsigned(), migrationTd);
        assertEquals(Reason.SERVICE_TD_NOT_ALLOWED, refusal(policy(), bound, n -> { }));
        byte[] other = migrationTd.clone();
        other[47] ^= 1;
        assertEquals(Reason.SERVICE_TD_NOT_ALLOWED, refusal(policy().allowServiceTd(other), bound, n -> { }));
        VerifiedWorker allowed = verify(policy().allowServiceTd(migrationTd), bound, n -> { });
        assertEquals(HexFormat.of().formatHex(migrationTd), allowed.claims().measurements().get("mrServiceTd"));
    }

    @Test
    void debugTdsAreRefusedUnlessAllowed() throws Exception {
        AttestationDocument debug = quoted(unsigned(), s -> s[SyntheticPki.TD_ATTRIBUTES] |= 1);
        assertEquals(Reason.DEBUG_NOT_ALLOWED, refusal(policy(), debug, n -> { }));
        verify(policy().allowDebug(), debug, n -> { });
    }

    @Test
    void onlyAllowedImagesAreAccepted() throws Exception {
        AttestationDocument document = quoted(unsigned(), s -> { });
        assertEquals(Reason.MEASUREMENT_NOT_ALLOWED, refusal(TdxPlatformVerifier.builder()
                .allowImage(TdxMeasurements.ofMrTd("00".repeat(48))), document, n -> { }));
        String rtmr0 = HexFormat.of().formatHex(Arrays.copyOfRange(pki.quote(), SyntheticPki.RTMR0,
                SyntheticPki.RTMR0 + 48));
        verify(TdxPlatformVerifier.builder().allowImage(new TdxMeasurements(image,
                Arrays.asList(rtmr0, null, null, null))), document, n -> { });
        assertEquals(Reason.MEASUREMENT_NOT_ALLOWED, refusal(TdxPlatformVerifier.builder().allowImage(
                new TdxMeasurements(image, Arrays.asList("11".repeat(48), null, null, null))), document, n -> { }));
    }

    @Test
    void tcbStatusFollowsThePolicy() throws Exception {
        Consumer<ObjectNode> outdated = t -> ((ObjectNode) t.get("tcbLevels").get(0).get("tcb"))
                .set("pcesvn", IntNode.valueOf(99));
        AttestationDocument document = quoted(unsigned(), s -> { });
        assertEquals(Reason.TCB_STATUS_NOT_ACCEPTED, refusal(policy(), document, outdated));
        verify(policy().acceptStatus(TcbStatus.OUT_OF_DATE), document, outdated);
    }

    @Test
    void brokenEvidenceAndMissingCollateralAreRefused() throws Exception {
        AttestationDocument document = quoted(unsigned(), s -> { });
        byte[] evidence = document.evidence();
        evidence[SyntheticPki.MRTD] ^= 1;
        assertEquals(Reason.EVIDENCE_INVALID, refusal(policy(), document.withEvidence(evidence), n -> { }));
        var policy = AttestationPolicy.builder().platform(policy().dcapVerifier(pki.verifier())
                        .collateral((q, now) -> {
                            throw new IOException("PCCS unreachable");
                        }).build())
                .clock(Clock.fixed(DcapSyntheticPkiTest.now, ZoneOffset.UTC)).build();
        assertEquals(Reason.COLLATERAL_UNAVAILABLE, assertThrows(AttestationException.class,
                () -> new AttestationVerifier(policy).verify(document, NONCE)).reason());
        assertThrows(IllegalStateException.class, () -> TdxPlatformVerifier.builder().build());
    }
}
