package network.cocoon.sdk.attestation.tdx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException.Reason;
import org.junit.jupiter.api.Test;

/** Real TDX quotes (Phala-Network/dcap-qvl samples) with their real Intel collateral. */
class DcapVerifierTest {
    static final DcapVerifier VERIFIER = DcapVerifier.withIntelRoot();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = DcapVerifierTest.class.getResourceAsStream("/vectors/tdx/" + name)) {
            return in.readAllBytes();
        }
    }

    /** A time inside the collateral's window: just after its latest issue date or CRL update. */
    static Instant pinnedTime(TdxCollateral c) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Instant latest = Instant.EPOCH;
        for (String signed : List.of(c.tcbInfo(), c.qeIdentity())) {
            latest = max(latest, Instant.parse(json.readTree(signed).get("issueDate").asText()));
        }
        for (byte[] der : List.of(c.rootCaCrl(), c.pckCrl())) {
            X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
            latest = max(latest, crl.getThisUpdate().toInstant());
        }
        return latest.plusSeconds(60);
    }

    static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    static TdxCollateral collateral(String name) throws Exception {
        return TdxCollateral.fromJson(resource(name));
    }

    Reason refusal(byte[] quote, TdxCollateral collateral, Instant at) {
        return assertThrows(TdxVerificationException.class,
                () -> VERIFIER.verify(TdxQuote.parse(quote), collateral, at)).reason();
    }

    @Test
    void realQuoteIsUpToDate() throws Exception {
        TdxCollateral collateral = collateral("tdx_quote_collateral.json");
        TdxQuote quote = TdxQuote.parse(resource("tdx_quote"));
        TdxVerdict verdict = VERIFIER.verify(quote, collateral, pinnedTime(collateral));
        assertEquals(TcbStatus.UP_TO_DATE, verdict.status());
        assertTrue(verdict.advisoryIds().isEmpty());
        assertEquals(4, quote.version());
        assertFalse(verdict.report().debug());
        assertEquals(4, verdict.report().rtmrs().size());
    }

    /**
     * The v5 quote's PCK certificate has SGX TCB component 8 at SVN 3, and every level of its TCB info asks for
     * 5. Compared component by component, as Intel's QVL does, no level applies: Intel's "TCB not supported",
     * refused whatever the policy. (dcap-qvl reports OutOfDate because it compares the SVN arrays
     * lexicographically.)
     */
    @Test
    void outdatedVersion5QuoteIsBelowEveryKnownTcbLevel() throws Exception {
        TdxCollateral collateral = collateral("tdx_quote_outdated_collateral.json");
        TdxQuote quote = TdxQuote.parse(resource("tdx_quote_outdated"));
        assertEquals(5, quote.version());
        var e = assertThrows(TdxVerificationException.class,
                () -> VERIFIER.verify(quote, collateral, pinnedTime(collateral)));
        assertEquals(Reason.TCB_LEVEL_NOT_FOUND, e.reason());
    }

    @Test
    void timesOutsideTheCollateralWindowAreRefused() throws Exception {
        TdxCollateral collateral = collateral("tdx_quote_collateral.json");
        byte[] quote = resource("tdx_quote");
        JsonNode tcbInfo = new ObjectMapper().readTree(collateral.tcbInfo());
        Instant next = Instant.parse(tcbInfo.get("nextUpdate").asText());
        Instant issued = Instant.parse(tcbInfo.get("issueDate").asText());
        assertEquals(Reason.COLLATERAL_EXPIRED, refusal(quote, collateral, next.plusSeconds(1)));
        assertEquals(Reason.COLLATERAL_EXPIRED, refusal(quote, collateral, issued.minusSeconds(1)));
    }

    /** Offsets inside the v4 quote: header, TD report, signature data. */
    @Test
    void everyRegionOfTheQuoteIsChecked() throws Exception {
        TdxCollateral collateral = collateral("tdx_quote_collateral.json");
        Instant at = pinnedTime(collateral);
        byte[] quote = resource("tdx_quote");
        int body = 48;
        int sigData = body + 584 + 4;
        int qeReport = sigData + 64 + 64 + 6;
        int authData = qeReport + 384 + 64 + 2;
        int pem = authData + 32 + 6;
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(flip(quote, 0), collateral, at), "version");
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(flip(quote, 4), collateral, at), "TEE type");
        assertEquals(Reason.UNSUPPORTED_QUOTE, refusal(flip(quote, 12), collateral, at), "QE vendor");
        assertEquals(Reason.QUOTE_SIGNATURE_INVALID, refusal(flip(quote, 40), collateral, at), "header user data");
        for (int offset : new int[] {body, body + 16 + 48 + 48 + 16 + 8, body + 136, body + 520, body + 583}) {
            assertEquals(Reason.QUOTE_SIGNATURE_INVALID, refusal(flip(quote, offset), collateral, at), "body " + offset);
        }
        assertEquals(Reason.QUOTE_SIGNATURE_INVALID, refusal(flip(quote, sigData + 10), collateral, at), "signature");
        assertEquals(Reason.QE_REPORT_DATA_MISMATCH, refusal(flip(quote, sigData + 70), collateral, at), "att. key");
        assertEquals(Reason.QE_REPORT_SIGNATURE_INVALID, refusal(flip(quote, qeReport + 200), collateral, at));
        assertEquals(Reason.QE_REPORT_SIGNATURE_INVALID, refusal(flip(quote, qeReport + 384 + 5), collateral, at));
        assertEquals(Reason.QE_REPORT_DATA_MISMATCH, refusal(flip(quote, authData + 3), collateral, at), "auth data");
        Reason pemReason = refusal(flip(quote, pem + 400), collateral, at);
        assertTrue(Set.of(Reason.MALFORMED_COLLATERAL, Reason.PCK_CHAIN_INVALID).contains(pemReason), pemReason.name());
        assertEquals(Reason.MALFORMED_QUOTE, refusal(java.util.Arrays.copyOf(quote, 700), collateral, at));
    }

    @Test
    void bytesAfterTheDeclaredSignatureDataAreIgnored() throws Exception {
        TdxCollateral collateral = collateral("tdx_quote_collateral.json");
        Instant at = pinnedTime(collateral);
        byte[] quote = resource("tdx_quote");
        TdxVerdict plain = VERIFIER.verify(TdxQuote.parse(quote), collateral, at);
        byte[] padded = flip(quote, quote.length - 1);
        byte[] extended = java.util.Arrays.copyOf(quote, quote.length + 3);
        extended[extended.length - 1] = 0x7f;
        for (byte[] variant : new byte[][] {padded, extended}) {
            TdxVerdict verdict = VERIFIER.verify(TdxQuote.parse(variant), collateral, at);
            assertEquals(plain.status(), verdict.status());
            assertTrue(java.util.Arrays.equals(plain.report().reportData(), verdict.report().reportData()));
        }
    }

    @Test
    void everyPieceOfCollateralIsChecked() throws Exception {
        TdxCollateral c = collateral("tdx_quote_collateral.json");
        Instant at = pinnedTime(c);
        byte[] quote = resource("tdx_quote");
        assertEquals(Reason.TCB_INFO_SIGNATURE_INVALID, refusal(quote, new TdxCollateral(c.pckCrlIssuerChain(),
                c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), c.tcbInfo().replace("\"tcbType\":0", "\"tcbType\":1"),
                c.tcbInfoSignature(), c.qeIdentityIssuerChain(), c.qeIdentity(), c.qeIdentitySignature()), at));
        assertEquals(Reason.TCB_INFO_SIGNATURE_INVALID, refusal(quote, new TdxCollateral(c.pckCrlIssuerChain(),
                c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), c.tcbInfo(), flip(c.tcbInfoSignature(), 7),
                c.qeIdentityIssuerChain(), c.qeIdentity(), c.qeIdentitySignature()), at));
        assertEquals(Reason.QE_IDENTITY_SIGNATURE_INVALID, refusal(quote, new TdxCollateral(c.pckCrlIssuerChain(),
                c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(),
                c.qeIdentityIssuerChain(), c.qeIdentity().replace("\"isvprodid\":2", "\"isvprodid\":3"),
                c.qeIdentitySignature()), at));
        assertEquals(Reason.QE_IDENTITY_SIGNATURE_INVALID, refusal(quote, new TdxCollateral(c.pckCrlIssuerChain(),
                c.rootCaCrl(), c.pckCrl(), c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(),
                c.qeIdentityIssuerChain(), c.qeIdentity(), flip(c.qeIdentitySignature(), 40)), at));
        for (int offset : new int[] {20, 100, c.rootCaCrl().length - 3}) {
            Reason r = refusal(quote, new TdxCollateral(c.pckCrlIssuerChain(), flip(c.rootCaCrl(), offset), c.pckCrl(),
                    c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(), c.qeIdentityIssuerChain(),
                    c.qeIdentity(), c.qeIdentitySignature()), at);
            assertTrue(Set.of(Reason.CRL_INVALID, Reason.MALFORMED_COLLATERAL).contains(r), "root CRL " + offset + r);
        }
        for (int offset : new int[] {30, 500, c.pckCrl().length - 3}) {
            Reason r = refusal(quote, new TdxCollateral(c.pckCrlIssuerChain(), c.rootCaCrl(), flip(c.pckCrl(), offset),
                    c.tcbInfoIssuerChain(), c.tcbInfo(), c.tcbInfoSignature(), c.qeIdentityIssuerChain(),
                    c.qeIdentity(), c.qeIdentitySignature()), at);
            assertTrue(Set.of(Reason.CRL_INVALID, Reason.MALFORMED_COLLATERAL).contains(r), "PCK CRL " + offset + r);
        }
        String tcbChain = c.tcbInfoIssuerChain();
        int mid = tcbChain.indexOf("MII") + 300;
        String flippedChain = tcbChain.substring(0, mid) + (tcbChain.charAt(mid) == 'A' ? 'B' : 'A')
                + tcbChain.substring(mid + 1);
        Reason chainReason = refusal(quote, new TdxCollateral(c.pckCrlIssuerChain(), c.rootCaCrl(), c.pckCrl(),
                flippedChain, c.tcbInfo(), c.tcbInfoSignature(), c.qeIdentityIssuerChain(), c.qeIdentity(),
                c.qeIdentitySignature()), at);
        assertTrue(Set.of(Reason.TCB_INFO_SIGNATURE_INVALID, Reason.MALFORMED_COLLATERAL).contains(chainReason),
                chainReason.name());
    }

    @Test
    void collateralOfAnotherPlatformIsRefused() throws Exception {
        TdxCollateral other = collateral("tdx_quote_outdated_collateral.json");
        TdxCollateral mine = collateral("tdx_quote_collateral.json");
        TdxCollateral mixed = new TdxCollateral(mine.pckCrlIssuerChain(), mine.rootCaCrl(), mine.pckCrl(),
                other.tcbInfoIssuerChain(), other.tcbInfo(), other.tcbInfoSignature(), mine.qeIdentityIssuerChain(),
                mine.qeIdentity(), mine.qeIdentitySignature());
        JsonNode a = new ObjectMapper().readTree(mine.tcbInfo());
        JsonNode b = new ObjectMapper().readTree(other.tcbInfo());
        Instant at = max(pinnedTime(mine), Instant.parse(b.get("issueDate").asText()).plusSeconds(60));
        Reason reason = refusal(resource("tdx_quote"), mixed, at);
        if (a.get("fmspc").equals(b.get("fmspc"))) {
            assertTrue(Set.of(Reason.COLLATERAL_EXPIRED, Reason.CRL_INVALID).contains(reason), reason.name());
        } else {
            assertTrue(Set.of(Reason.TCB_INFO_MISMATCH, Reason.COLLATERAL_EXPIRED, Reason.CRL_INVALID)
                    .contains(reason), reason.name());
        }
    }

    static byte[] flip(byte[] bytes, int index) {
        byte[] copy = bytes.clone();
        copy[index] ^= 1;
        return copy;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Malformed input of any kind ends in a typed refusal, never an unchecked exception. */
    @Test
    void flippingAnyByteIsATypedRefusal() throws Exception {
        TdxCollateral collateral = collateral("tdx_quote_collateral.json");
        Instant at = pinnedTime(collateral);
        byte[] quote = resource("tdx_quote");
        for (int offset = 0; offset < 4936; offset += 5) {
            byte[] tampered = flip(quote, offset);
            TdxVerificationException e = assertThrows(TdxVerificationException.class,
                    () -> VERIFIER.verify(TdxQuote.parse(tampered), collateral, at), "byte " + offset);
            assertTrue(e.reason() != null);
        }
        for (int length = 0; length < 4936; length += 97) { // past 4936 only zero padding is cut
            byte[] truncated = java.util.Arrays.copyOf(quote, length);
            assertThrows(TdxVerificationException.class, () -> VERIFIER.verify(TdxQuote.parse(truncated), collateral,
                    at), "length " + length);
        }
    }
}
