package network.cocoon.sdk.attestation.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Consumer;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException.Reason;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Revocation, foreign roots and every TCB status path, driven through a PKI made in the test around the
 * real quote (see {@link SyntheticPki}).
 */
class DcapSyntheticPkiTest {
    static TdxQuote real;
    static TdxCollateral realCollateral;
    static X509Certificate realPck;
    static Instant now;
    SyntheticPki pki;
    byte[] quote;

    @BeforeAll
    static void load() throws Exception {
        real = TdxQuote.parse(DcapVerifierTest.resource("tdx_quote"));
        realCollateral = DcapVerifierTest.collateral("tdx_quote_collateral.json");
        now = DcapVerifierTest.pinnedTime(realCollateral);
        realPck = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(real.pckChainPem().getBytes(StandardCharsets.US_ASCII))).iterator().next();
    }

    @BeforeEach
    void makePki() throws Exception {
        pki = new SyntheticPki(real, realPck);
        quote = pki.quote();
    }

    TdxCollateral collateral(Consumer<ObjectNode> tcbEdit, Consumer<ObjectNode> qeEdit, List<BigInteger> byRoot,
                             List<BigInteger> byPckCa) throws Exception {
        return pki.collateral(realCollateral, tcbEdit, qeEdit, now, byRoot, byPckCa);
    }

    TdxVerdict verify(Consumer<ObjectNode> tcbEdit, Consumer<ObjectNode> qeEdit) throws Exception {
        return pki.verifier().verify(TdxQuote.parse(quote), collateral(tcbEdit, qeEdit, List.of(), List.of()), now);
    }

    Reason refusal(DcapVerifier verifier, byte[] q, TdxCollateral c) {
        return assertThrows(TdxVerificationException.class, () -> verifier.verify(TdxQuote.parse(q), c, now)).reason();
    }

    Reason refusal(Consumer<ObjectNode> tcbEdit, Consumer<ObjectNode> qeEdit) throws Exception {
        return refusal(pki.verifier(), quote, collateral(tcbEdit, qeEdit, List.of(), List.of()));
    }

    static Consumer<ObjectNode> none() {
        return n -> { };
    }

    static ObjectNode level(ObjectNode tcbInfo, int index) {
        return (ObjectNode) tcbInfo.get("tcbLevels").get(index);
    }

    static ObjectNode moduleLevel(ObjectNode tcbInfo, int index) {
        for (var identity : tcbInfo.get("tdxModuleIdentities")) {
            if (identity.get("id").asText().equals("TDX_01")) {
                return (ObjectNode) identity.get("tcbLevels").get(index);
            }
        }
        throw new AssertionError("no TDX_01");
    }

    @Test
    void theSyntheticPkiVerifiesLikeIntels() throws Exception {
        assertEquals(TcbStatus.UP_TO_DATE, verify(none(), none()).status());
    }

    @Test
    void revokedCertificatesAreRefusedAtEveryLevel() throws Exception {
        var verifier = pki.verifier();
        assertEquals(Reason.CERTIFICATE_REVOKED, refusal(verifier, quote,
                collateral(none(), none(), List.of(), List.of(pki.pck.getSerialNumber()))), "PCK leaf");
        assertEquals(Reason.CERTIFICATE_REVOKED, refusal(verifier, quote,
                collateral(none(), none(), List.of(pki.pckCa.getSerialNumber()), List.of())), "PCK CA");
        assertEquals(Reason.CERTIFICATE_REVOKED, refusal(verifier, quote,
                collateral(none(), none(), List.of(pki.tcbSigner.getSerialNumber()), List.of())), "TCB signer");
        verifier.verify(TdxQuote.parse(quote), collateral(none(), none(), List.of(BigInteger.valueOf(99)),
                List.of(BigInteger.valueOf(98))), now);
    }

    @Test
    void chainsToAnotherRootAreRefused() throws Exception {
        TdxCollateral synthetic = collateral(none(), none(), List.of(), List.of());
        // Intel's real quote chain, under a verifier that pins the synthetic root.
        assertEquals(Reason.PCK_CHAIN_INVALID, refusal(pki.verifier(), DcapVerifierTest.resource("tdx_quote"), synthetic));
        // The synthetic chain and CRLs, under the Intel root.
        assertEquals(Reason.CRL_INVALID, refusal(DcapVerifier.withIntelRoot(), quote, synthetic));
        // The synthetic quote with Intel's collateral.
        Reason mixed = refusal(DcapVerifier.withIntelRoot(), quote, realCollateral);
        assertTrue(mixed == Reason.PCK_CHAIN_INVALID, mixed.name());
    }

    @Test
    void thePckCrlIssuerChainIsVerified() throws Exception {
        TdxCollateral good = collateral(none(), none(), List.of(), List.of());
        // Another CA under the same root signs a CRL and presents its own chain: not the CA of this PCK.
        var otherKey = SyntheticPki.ecKey();
        var otherCa = SyntheticPki.certificate("CN=Test SGX PCK Processor CA", otherKey, "CN=Test SGX Root CA",
                pki.rootKey, 9, true, null);
        byte[] otherCrl = SyntheticPki.crl(otherCa, otherKey, now, List.of());
        assertEquals(Reason.CRL_INVALID, refusal(pki.verifier(), quote, new TdxCollateral(SyntheticPki.pem(otherCa,
                pki.root), good.rootCaCrl(), otherCrl, good.tcbInfoIssuerChain(), good.tcbInfo(),
                good.tcbInfoSignature(), good.qeIdentityIssuerChain(), good.qeIdentity(), good.qeIdentitySignature())));
        // An issuer chain that does not lead to the pinned root.
        var strayRoot = SyntheticPki.ecKey();
        var strayRootCert = SyntheticPki.certificate("CN=Stray Root", strayRoot, "CN=Stray Root", strayRoot, 1, true,
                null);
        assertEquals(Reason.CRL_INVALID, refusal(pki.verifier(), quote, new TdxCollateral(SyntheticPki.pem(
                pki.pckCa, strayRootCert), good.rootCaCrl(), good.pckCrl(), good.tcbInfoIssuerChain(), good.tcbInfo(),
                good.tcbInfoSignature(), good.qeIdentityIssuerChain(), good.qeIdentity(), good.qeIdentitySignature())));
        // Its CA revoked by the root CRL.
        assertEquals(Reason.CERTIFICATE_REVOKED, refusal(pki.verifier(), quote,
                collateral(none(), none(), List.of(pki.pckCa.getSerialNumber()), List.of())));
    }

    @Test
    void forgedAndStaleCrlsAreRefused() throws Exception {
        TdxCollateral good = collateral(none(), none(), List.of(), List.of());
        byte[] forged = SyntheticPki.crl(pki.root, SyntheticPki.ecKey(), now, List.of());
        assertEquals(Reason.CRL_INVALID, refusal(pki.verifier(), quote, new TdxCollateral(good.pckCrlIssuerChain(),
                forged, good.pckCrl(), good.tcbInfoIssuerChain(), good.tcbInfo(), good.tcbInfoSignature(),
                good.qeIdentityIssuerChain(), good.qeIdentity(), good.qeIdentitySignature())));
        byte[] stale = SyntheticPki.crl(pki.pckCa, pki.pckCaKey, now.minus(60, ChronoUnit.DAYS), List.of());
        assertEquals(Reason.CRL_INVALID, refusal(pki.verifier(), quote, new TdxCollateral(good.pckCrlIssuerChain(),
                good.rootCaCrl(), stale, good.tcbInfoIssuerChain(), good.tcbInfo(), good.tcbInfoSignature(),
                good.qeIdentityIssuerChain(), good.qeIdentity(), good.qeIdentitySignature())));
    }

    @Test
    void aLowerPceSvnMatchesTheOutOfDateLevelWithItsAdvisories() throws Exception {
        TdxVerdict verdict = verify(t -> ((ObjectNode) level(t, 0).get("tcb")).set("pcesvn", IntNode.valueOf(99)),
                none());
        assertEquals(TcbStatus.OUT_OF_DATE, verdict.status());
        assertTrue(verdict.advisoryIds().contains("INTEL-SA-00837"), verdict.advisoryIds().toString());
    }

    @Test
    void platformStatusesArePassedThrough() throws Exception {
        for (TcbStatus status : List.of(TcbStatus.SW_HARDENING_NEEDED, TcbStatus.CONFIGURATION_NEEDED,
                TcbStatus.CONFIGURATION_AND_SW_HARDENING_NEEDED, TcbStatus.REVOKED)) {
            assertEquals(status, verify(t -> level(t, 0).set("tcbStatus", TextNode.valueOf(status.intelName())),
                    none()).status());
        }
    }

    @Test
    void anOutdatedTdxModuleOrQeConvergesAsIntelSpecifies() throws Exception {
        Consumer<ObjectNode> oldModule = t -> ((ObjectNode) moduleLevel(t, 0).get("tcb"))
                .set("isvsvn", IntNode.valueOf(7));
        assertEquals(TcbStatus.OUT_OF_DATE, verify(oldModule, none()).status());
        assertEquals(TcbStatus.OUT_OF_DATE_CONFIGURATION_NEEDED, verify(oldModule.andThen(
                t -> level(t, 0).set("tcbStatus", TextNode.valueOf("ConfigurationNeeded"))), none()).status());
        Consumer<ObjectNode> oldQe = q -> {
            ArrayNode levels = (ArrayNode) q.get("tcbLevels");
            ((ObjectNode) levels.get(0).get("tcb")).set("isvsvn", IntNode.valueOf(99));
            levels.addObject().put("tcbStatus", "OutOfDate").putObject("tcb").put("isvsvn", 0);
        };
        assertEquals(TcbStatus.OUT_OF_DATE, verify(none(), oldQe).status());
        Consumer<ObjectNode> revokedQe = q -> ((ObjectNode) q.get("tcbLevels").get(0))
                .set("tcbStatus", TextNode.valueOf("Revoked"));
        assertEquals(TcbStatus.REVOKED, verify(none(), revokedQe).status());
    }

    @Test
    void mismatchedTcbInfoAndQeIdentityAreRefused() throws Exception {
        assertEquals(Reason.TCB_INFO_MISMATCH, refusal(t -> t.put("fmspc", "00906ED50000"), none()));
        assertEquals(Reason.TCB_INFO_MISMATCH, refusal(t -> t.put("pceId", "0100"), none()));
        assertEquals(Reason.TCB_INFO_MISMATCH, refusal(t -> ((ArrayNode) t.get("tdxModuleIdentities")).removeAll(),
                none()));
        assertEquals(Reason.TDX_MODULE_MISMATCH, refusal(t -> {
            for (var identity : t.get("tdxModuleIdentities")) {
                ((ObjectNode) identity).put("mrsigner", "01".repeat(48));
            }
        }, none()));
        assertEquals(Reason.TDX_MODULE_MISMATCH, refusal(t -> {
            for (var identity : t.get("tdxModuleIdentities")) {
                ((ObjectNode) identity).put("attributes", "0100000000000000");
            }
        }, none()));
        assertEquals(Reason.QE_IDENTITY_MISMATCH, refusal(none(), q -> q.put("mrsigner", "00".repeat(32))));
        assertEquals(Reason.QE_IDENTITY_MISMATCH, refusal(none(), q -> q.put("isvprodid", 3)));
        assertEquals(Reason.TCB_LEVEL_NOT_FOUND, refusal(t -> {
            for (var l : t.get("tcbLevels")) {
                ((ObjectNode) l.get("tcb").get("tdxtcbcomponents").get(2)).put("svn", 99);
            }
        }, none()));
    }

    @Test
    void editedQuotesAreSignedConsistently() throws Exception {
        byte[] edited = pki.quote(signed -> signed[SyntheticPki.REPORT_DATA] = 42);
        TdxVerdict verdict = pki.verifier().verify(TdxQuote.parse(edited), collateral(none(), none(), List.of(),
                List.of()), now);
        assertEquals(42, verdict.report().reportData()[0]);
        byte[] tampered = edited.clone();
        tampered[SyntheticPki.MRTD] ^= 1;
        assertEquals(Reason.QUOTE_SIGNATURE_INVALID, refusal(pki.verifier(), tampered,
                collateral(none(), none(), List.of(), List.of())));
    }
}
