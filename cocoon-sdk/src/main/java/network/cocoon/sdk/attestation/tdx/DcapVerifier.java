package network.cocoon.sdk.attestation.tdx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import network.cocoon.sdk.attestation.PinnedRootChain;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException.Reason;

/**
 * Verifies Intel TDX quotes (DCAP, ECDSA P-256) against Intel's collateral and a pinned Intel SGX Root CA.
 *
 * <p>Checks, in order:
 * <ol>
 *   <li>collateral validity at the verification time;</li>
 *   <li>the root CRL and PCK CRL signatures and times, and the PCK CRL's issuer chain (to the pinned root,
 *       ending in the PCK certificate's CA);</li>
 *   <li>the PCK chain to the pinned root, with revocation;</li>
 *   <li>the TCB info and QE identity signing chains and signatures;</li>
 *   <li>the QE report signature by the PCK key, and its report data binding the attestation key;</li>
 *   <li>the quote signature by the attestation key;</li>
 *   <li>the QE identity (MRSIGNER, product id, masked attributes and MISCSELECT);</li>
 *   <li>the TCB level matching that yields Intel's status and advisories, including the TDX module's status.</li>
 * </ol>
 * The time is an input so that verification can be pinned (tests, audits) or use the clock. Stateless and
 * thread-safe.
 */
public final class DcapVerifier {
    /** SHA-256 fingerprint of the Intel SGX Root CA certificate. */
    public static final String INTEL_ROOT_FINGERPRINT =
            "44a0196b2b99f889b8e149e95b807a350e7424964399e885a7cbb8ccfab674d3";
    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSAinP1363Format";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final X509Certificate root;

    /** A verifier trusting exactly {@code pinnedRoot}. */
    public DcapVerifier(X509Certificate pinnedRoot) {
        this.root = pinnedRoot;
    }

    /** A verifier trusting the bundled Intel SGX Root CA, whose fingerprint is checked. */
    public static DcapVerifier withIntelRoot() {
        try (InputStream in = DcapVerifier.class.getResourceAsStream("Intel_SGX_Provisioning_Certification_RootCA.der")) {
            if (in == null) {
                throw new IllegalStateException("bundled Intel root certificate missing");
            }
            byte[] der = in.readAllBytes();
            String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
            if (!fingerprint.equals(INTEL_ROOT_FINGERPRINT)) {
                throw new IllegalStateException("bundled Intel root certificate has fingerprint " + fingerprint);
            }
            return new DcapVerifier((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the bundled Intel root certificate", e);
        }
    }

    /**
     * Verifies a quote.
     *
     * @throws TdxVerificationException naming the first check that failed
     */
    public TdxVerdict verify(TdxQuote quote, TdxCollateral collateral, Instant now) throws TdxVerificationException {
        JsonNode tcbInfo = parseJson(collateral.tcbInfo(), "TCB info");
        JsonNode qeIdentity = parseJson(collateral.qeIdentity(), "QE identity");
        checkWindow(tcbInfo, "TCB info", now);
        checkWindow(qeIdentity, "QE identity", now);

        X509CRL rootCrl = crl(collateral.rootCaCrl(), root, "root CA CRL", now);
        List<X509Certificate> pckChain = chain(quote.pckChainPem(), "PCK");
        if (pckChain.size() < 2) {
            throw new TdxVerificationException(Reason.PCK_CHAIN_INVALID, "PCK chain needs a leaf and its CA");
        }
        validatePath(pckChain, now, Reason.PCK_CHAIN_INVALID);
        X509Certificate pck = pckChain.get(0);
        X509Certificate pckCa = pckChain.get(1);
        // As Intel's QVL: the PCK CRL's own issuer chain leads to the pinned root, is not revoked, and its leaf
        // is the CA that issued this PCK certificate, so the CRL is the one that would list it.
        X509Certificate crlIssuer = signer(collateral.pckCrlIssuerChain(), rootCrl, now, Reason.CRL_INVALID);
        if (!Arrays.equals(encoded(crlIssuer), encoded(pckCa))) {
            throw new TdxVerificationException(Reason.CRL_INVALID,
                    "the PCK CRL issuer chain does not end in the CA that issued the PCK certificate");
        }
        X509CRL pckCrl = crl(collateral.pckCrl(), crlIssuer, "PCK CRL", now);
        notRevoked(rootCrl, pckCa, "PCK CA");
        notRevoked(pckCrl, pck, "PCK certificate");

        X509Certificate tcbSigner = signer(collateral.tcbInfoIssuerChain(), rootCrl, now,
                Reason.TCB_INFO_SIGNATURE_INVALID);
        verifySignature(tcbSigner.getPublicKey(), collateral.tcbInfo().getBytes(StandardCharsets.UTF_8),
                collateral.tcbInfoSignature(), Reason.TCB_INFO_SIGNATURE_INVALID, "TCB info");
        X509Certificate qeSigner = signer(collateral.qeIdentityIssuerChain(), rootCrl, now,
                Reason.QE_IDENTITY_SIGNATURE_INVALID);
        verifySignature(qeSigner.getPublicKey(), collateral.qeIdentity().getBytes(StandardCharsets.UTF_8),
                collateral.qeIdentitySignature(), Reason.QE_IDENTITY_SIGNATURE_INVALID, "QE identity");

        verifySignature(pck.getPublicKey(), quote.qeReport(), quote.qeReportSignature(),
                Reason.QE_REPORT_SIGNATURE_INVALID, "QE report");
        byte[] expected = Arrays.copyOf(sha256(quote.attestationKey(), quote.qeAuthData()), 64);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(quote.qeReport(), 320, 384))) {
            throw new TdxVerificationException(Reason.QE_REPORT_DATA_MISMATCH,
                    "QE report data does not bind the attestation key");
        }
        verifySignature(attestationKey(quote.attestationKey()), quote.signedData(), quote.signature(),
                Reason.QUOTE_SIGNATURE_INVALID, "quote");

        TcbStatus qeStatus = qeStatus(qeIdentity, quote.qeReport());
        PckExtensions platform = PckExtensions.of(pck);
        return tcbStatus(tcbInfo, platform, quote, qeStatus);
    }

    private TcbStatus qeStatus(JsonNode identity, byte[] qeReport) throws TdxVerificationException {
        HexFormat hex = HexFormat.of();
        byte[] mrSigner = Arrays.copyOfRange(qeReport, 128, 160);
        int isvProdId = (qeReport[256] & 0xff) | (qeReport[257] & 0xff) << 8;
        int isvSvn = (qeReport[258] & 0xff) | (qeReport[259] & 0xff) << 8;
        try {
            if (!Arrays.equals(mrSigner, hex.parseHex(identity.get("mrsigner").asText()))
                    || isvProdId != identity.get("isvprodid").asInt()
                    || !maskedEqual(Arrays.copyOfRange(qeReport, 16, 20), identity, "miscselect", "miscselectMask")
                    || !maskedEqual(Arrays.copyOfRange(qeReport, 48, 64), identity, "attributes", "attributesMask")) {
                throw new TdxVerificationException(Reason.QE_IDENTITY_MISMATCH,
                        "the QE is not the one Intel's QE identity describes");
            }
            for (JsonNode level : identity.get("tcbLevels")) {
                if (isvSvn >= level.get("tcb").get("isvsvn").asInt()) {
                    return TcbStatus.fromIntelName(level.get("tcbStatus").asText());
                }
            }
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, "QE identity fields", e);
        }
        return TcbStatus.REVOKED;
    }

    private static boolean maskedEqual(byte[] actual, JsonNode identity, String field, String maskField) {
        byte[] expected = HexFormat.of().parseHex(identity.get(field).asText());
        byte[] mask = HexFormat.of().parseHex(identity.get(maskField).asText());
        if (expected.length != actual.length || mask.length != actual.length) {
            return false;
        }
        for (int i = 0; i < actual.length; i++) {
            if ((actual[i] & mask[i]) != (expected[i] & mask[i])) {
                return false;
            }
        }
        return true;
    }

    private TdxVerdict tcbStatus(JsonNode tcbInfo, PckExtensions platform, TdxQuote quote, TcbStatus qeStatus)
            throws TdxVerificationException {
        HexFormat hex = HexFormat.of();
        try {
            if (!"TDX".equals(tcbInfo.get("id").asText()) || tcbInfo.get("version").asInt() < 3) {
                throw new TdxVerificationException(Reason.TCB_INFO_MISMATCH, "TCB info is not TDX TCB info v3");
            }
            if (!Arrays.equals(platform.fmspc(), hex.parseHex(tcbInfo.get("fmspc").asText()))
                    || !Arrays.equals(platform.pceId(), hex.parseHex(tcbInfo.get("pceId").asText()))) {
                throw new TdxVerificationException(Reason.TCB_INFO_MISMATCH,
                        "TCB info is for another platform (FMSPC or PCE id)");
            }
            byte[] teeTcbSvn = quote.report().teeTcbSvn();
            JsonNode sgxLevel = null;
            JsonNode tdxLevel = null;
            for (JsonNode level : tcbInfo.get("tcbLevels")) {
                JsonNode tcb = level.get("tcb");
                if (!sgxAtLeast(platform, tcb)) {
                    continue;
                }
                if (sgxLevel == null) {
                    sgxLevel = level;
                }
                if (tdxAtLeast(teeTcbSvn, tcb.get("tdxtcbcomponents"))) {
                    tdxLevel = level;
                    break;
                }
            }
            if (sgxLevel == null || tdxLevel == null) {
                throw new TdxVerificationException(Reason.TCB_LEVEL_NOT_FOUND, "no TCB level applies to this "
                        + "platform's SVNs, compared component by component (Intel: TCB not supported)");
            }
            TcbStatus status = TcbStatus.fromIntelName(tdxLevel.get("tcbStatus").asText())
                    .convergeWith(moduleStatus(tcbInfo, quote))
                    .convergeWith(qeStatus);
            List<String> advisories = new ArrayList<>();
            JsonNode ids = tdxLevel.get("advisoryIDs");
            if (ids != null) {
                ids.forEach(id -> advisories.add(id.asText()));
            }
            return new TdxVerdict(status, advisories, quote.report());
        } catch (NullPointerException | IllegalArgumentException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, "TCB info fields", e);
        }
    }

    private static boolean sgxAtLeast(PckExtensions platform, JsonNode tcb) {
        JsonNode components = tcb.get("sgxtcbcomponents");
        for (int i = 0; i < 16; i++) {
            if (platform.componentSvns()[i] < components.get(i).get("svn").asInt()) {
                return false;
            }
        }
        return platform.pceSvn() >= tcb.get("pcesvn").asInt();
    }

    /** Intel compares bytes 0 and 1 (TDX module SVN and version) through the module identity when version > 0. */
    private static boolean tdxAtLeast(byte[] teeTcbSvn, JsonNode components) {
        for (int i = (teeTcbSvn[1] & 0xff) > 0 ? 2 : 0; i < 16; i++) {
            if ((teeTcbSvn[i] & 0xff) < components.get(i).get("svn").asInt()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The TDX module's status. Its identity is {@code tdxModuleIdentities["TDX_<version>"]} (version: TEE_TCB_SVN
     * byte 1), or {@code tdxModule} for version 0; MRSIGNERSEAM and the masked SEAMATTRIBUTES must match it.
     */
    private static TcbStatus moduleStatus(JsonNode tcbInfo, TdxQuote quote) throws TdxVerificationException {
        TdxQuote.TdReport report = quote.report();
        int version = report.teeTcbSvn()[1] & 0xff;
        int isvSvn = report.teeTcbSvn()[0] & 0xff;
        if (version == 0) {
            checkModuleIdentity(tcbInfo.get("tdxModule"), report, "tdxModule");
            return TcbStatus.UP_TO_DATE;
        }
        String id = String.format("TDX_%02X", version);
        JsonNode identities = tcbInfo.get("tdxModuleIdentities");
        if (identities != null) {
            for (JsonNode identity : identities) {
                if (identity.get("id").asText().equalsIgnoreCase(id)) {
                    checkModuleIdentity(identity, report, id);
                    for (JsonNode level : identity.get("tcbLevels")) {
                        if (isvSvn >= level.get("tcb").get("isvsvn").asInt()) {
                            return TcbStatus.fromIntelName(level.get("tcbStatus").asText());
                        }
                    }
                    throw new TdxVerificationException(Reason.TCB_LEVEL_NOT_FOUND,
                            "no TDX module TCB level for ISV SVN " + isvSvn);
                }
            }
        }
        throw new TdxVerificationException(Reason.TCB_INFO_MISMATCH, "TCB info has no identity " + id);
    }

    private static void checkModuleIdentity(JsonNode identity, TdxQuote.TdReport report, String id)
            throws TdxVerificationException {
        if (identity == null) {
            throw new TdxVerificationException(Reason.TCB_INFO_MISMATCH, "TCB info has no " + id);
        }
        HexFormat hex = HexFormat.of();
        byte[] mrSigner = hex.parseHex(identity.get("mrsigner").asText());
        byte[] attributes = hex.parseHex(identity.get("attributes").asText());
        byte[] mask = hex.parseHex(identity.get("attributesMask").asText());
        boolean attributesMatch = attributes.length == mask.length && mask.length == report.seamAttributes().length;
        for (int i = 0; attributesMatch && i < mask.length; i++) {
            attributesMatch = (report.seamAttributes()[i] & mask[i]) == (attributes[i] & mask[i]);
        }
        if (!Arrays.equals(mrSigner, report.mrSignerSeam()) || !attributesMatch) {
            throw new TdxVerificationException(Reason.TDX_MODULE_MISMATCH,
                    "the TDX module is not the one " + id + " describes (MRSIGNERSEAM or SEAMATTRIBUTES)");
        }
    }

    private static JsonNode parseJson(String json, String what) throws TdxVerificationException {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, what + " is not JSON", e);
        }
    }

    private static void checkWindow(JsonNode signed, String what, Instant now) throws TdxVerificationException {
        Instant issued;
        Instant next;
        try {
            issued = Instant.parse(signed.get("issueDate").asText());
            next = Instant.parse(signed.get("nextUpdate").asText());
        } catch (RuntimeException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, what + " dates", e);
        }
        if (now.isBefore(issued) || now.isAfter(next)) {
            throw new TdxVerificationException(Reason.COLLATERAL_EXPIRED,
                    what + " is valid from " + issued + " to " + next + ", not at " + now);
        }
    }

    private X509CRL crl(byte[] der, X509Certificate issuer, String what, Instant now) throws TdxVerificationException {
        X509CRL crl;
        try {
            crl = (X509CRL) CertificateFactory.getInstance("X.509").generateCRL(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, what + " is not a DER CRL", e);
        }
        if (!crl.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            throw new TdxVerificationException(Reason.CRL_INVALID, what + " is not issued by " +
                    issuer.getSubjectX500Principal().getName());
        }
        try {
            crl.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TdxVerificationException(Reason.CRL_INVALID, what + " signature is invalid", e);
        }
        Date at = Date.from(now);
        if (crl.getThisUpdate().after(at) || crl.getNextUpdate() == null || crl.getNextUpdate().before(at)) {
            throw new TdxVerificationException(Reason.CRL_INVALID, what + " is not current at " + now);
        }
        return crl;
    }

    private static void notRevoked(X509CRL crl, X509Certificate cert, String what) throws TdxVerificationException {
        if (crl.isRevoked(cert)) {
            throw new TdxVerificationException(Reason.CERTIFICATE_REVOKED, what + " serial "
                    + cert.getSerialNumber().toString(16) + " is revoked");
        }
    }

    /** The leaf of a collateral signing chain, validated to the pinned root and checked against the root CRL. */
    private X509Certificate signer(String pem, X509CRL rootCrl, Instant now, Reason reason)
            throws TdxVerificationException {
        List<X509Certificate> chain = chain(pem, "collateral signing");
        validatePath(chain, now, reason);
        notRevoked(rootCrl, chain.get(0), "collateral signing certificate");
        return chain.get(0);
    }

    private static byte[] encoded(X509Certificate certificate) throws TdxVerificationException {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, "certificate cannot be encoded", e);
        }
    }

    private static List<X509Certificate> chain(String pem, String what) throws TdxVerificationException {
        try {
            List<X509Certificate> out = new ArrayList<>();
            for (var cert : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) cert);
            }
            if (out.isEmpty()) {
                throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, what + " chain is empty");
            }
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TdxVerificationException(Reason.MALFORMED_COLLATERAL, what + " chain is not PEM", e);
        }
    }

    /** PKIX validation to the pinned root at {@code now}; revocation is checked against the collateral's CRLs. */
    private void validatePath(List<X509Certificate> chain, Instant now, Reason reason) throws TdxVerificationException {
        try {
            PinnedRootChain.validate(chain, root, now);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TdxVerificationException(reason, "certificate chain does not lead to the pinned Intel root "
                    + "at " + now + ": " + e.getMessage(), e);
        }
    }

    private static void verifySignature(PublicKey key, byte[] data, byte[] signature, Reason reason, String what)
            throws TdxVerificationException {
        try {
            Signature verifier = Signature.getInstance(SIGNATURE_ALGORITHM);
            verifier.initVerify(key);
            verifier.update(data);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TdxVerificationException(reason, what + " signature is malformed", e);
        }
        throw new TdxVerificationException(reason, what + " signature is invalid");
    }

    /** The quote's raw P-256 attestation key ({@code x || y}), checked to lie on the curve. */
    private static PublicKey attestationKey(byte[] raw) throws TdxVerificationException {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec curve = parameters.getParameterSpec(ECParameterSpec.class);
            BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 0, 32));
            BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 32, 64));
            BigInteger p = ((java.security.spec.ECFieldFp) curve.getCurve().getField()).getP();
            BigInteger lhs = y.multiply(y).mod(p);
            BigInteger rhs = x.pow(3).add(curve.getCurve().getA().multiply(x)).add(curve.getCurve().getB()).mod(p);
            if (!lhs.equals(rhs)) {
                throw new TdxVerificationException(Reason.QUOTE_SIGNATURE_INVALID, "attestation key is not on P-256");
            }
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), curve));
        } catch (GeneralSecurityException e) {
            throw new TdxVerificationException(Reason.QUOTE_SIGNATURE_INVALID, "attestation key unusable", e);
        }
    }

    private static byte[] sha256(byte[] a, byte[] b) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(a);
            digest.update(b);
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
