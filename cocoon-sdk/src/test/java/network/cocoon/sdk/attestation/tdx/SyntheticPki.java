package network.cocoon.sdk.attestation.tdx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import network.cocoon.sdk.testing.TestCertificates;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * An Intel-shaped PKI made in the test: a root, a PCK CA, a PCK leaf carrying the real PCK certificate's SGX
 * extension, and a TCB signer. It re-signs a real quote's QE report and the real TCB info and QE identity, so
 * that the verifier's revocation, root and TCB-matching logic can be driven with CRLs and JSON the test
 * chooses. The quote's own signature stays valid: it covers only the header and TD report.
 */
final class SyntheticPki {
    final KeyPair rootKey = ecKey();
    final KeyPair pckCaKey = ecKey();
    final KeyPair pckKey = ecKey();
    final KeyPair tcbSignerKey = ecKey();
    final X509Certificate root;
    final X509Certificate pckCa;
    final X509Certificate pck;
    final X509Certificate tcbSigner;
    private final TdxQuote original;

    SyntheticPki(TdxQuote real, X509Certificate realPck) throws Exception {
        this.original = real;
        root = certificate("CN=Test SGX Root CA", rootKey, "CN=Test SGX Root CA", rootKey, 1, true, null);
        pckCa = certificate("CN=Test SGX PCK Platform CA", pckCaKey, "CN=Test SGX Root CA", rootKey, 2, true, null);
        byte[] sgx = ASN1OctetString.getInstance(realPck.getExtensionValue("1.2.840.113741.1.13.1")).getOctets();
        pck = certificate("CN=Test SGX PCK Certificate", pckKey, "CN=Test SGX PCK Platform CA", pckCaKey, 3, false, sgx);
        tcbSigner = certificate("CN=Test SGX TCB Signing", tcbSignerKey, "CN=Test SGX Root CA", rootKey, 4, false,
                null);
    }

    DcapVerifier verifier() {
        return new DcapVerifier(root);
    }

    /** The real quote with its QE report signed by the synthetic PCK key and the synthetic chain embedded. */
    byte[] quote() throws Exception {
        return assemble(original.signedData(), original.signature(), original.attestationKey(), original.qeReport());
    }

    /** Offsets of TD report fields within a v4 quote (header 48 bytes, then the TD 1.0 report body). */
    static final int TD_ATTRIBUTES = 48 + 120;
    static final int MRTD = 48 + 136;
    static final int RTMR0 = 48 + 328;
    static final int REPORT_DATA = 48 + 520;

    /**
     * A quote whose TD report the test edits (measurements, attributes, report data), signed by a fresh
     * attestation key that the re-signed QE report binds, as a real QE would.
     */
    byte[] quote(Consumer<byte[]> editSignedData) throws Exception {
        byte[] signedData = original.signedData().clone();
        editSignedData.accept(signedData);
        return signed(signedData);
    }

    /** Offsets within a v5 quote with a TD 1.5 body (header, 6-byte body descriptor, then the body). */
    static final int TD15_TD_ATTRIBUTES = 54 + 120;
    static final int TD15_REPORT_DATA = 54 + 520;
    static final int TD15_MR_SERVICE_TD = 54 + 584 + 16;

    /**
     * A version 5 quote with a TD 1.5 body: the real TD report with TEE_TCB_SVN2 and MRSERVICETD (zero) after
     * it, edited by the test, signed like {@link #quote(Consumer)}.
     */
    byte[] quoteTd15(Consumer<byte[]> editSignedData) throws Exception {
        byte[] v4 = original.signedData();
        ByteBuffer body = ByteBuffer.allocate(54 + 648).order(ByteOrder.LITTLE_ENDIAN);
        body.put(v4, 0, 48).putShort((short) 3).putInt(648).put(v4, 48, 584).put(new byte[64]);
        byte[] signedData = body.array();
        signedData[0] = 5;
        signedData[1] = 0;
        editSignedData.accept(signedData);
        return signed(signedData);
    }

    private byte[] signed(byte[] signedData) throws Exception {
        KeyPair attestation = ecKey();
        var point = ((java.security.interfaces.ECPublicKey) attestation.getPublic()).getW();
        byte[] rawKey = concat(unsigned32(point.getAffineX()), unsigned32(point.getAffineY()));
        byte[] qeReport = original.qeReport().clone();
        byte[] binding = java.security.MessageDigest.getInstance("SHA-256").digest(concat(rawKey, original.qeAuthData()));
        System.arraycopy(binding, 0, qeReport, 320, 32);
        java.util.Arrays.fill(qeReport, 352, 384, (byte) 0);
        return assemble(signedData, sign(attestation.getPrivate(), signedData), rawKey, qeReport);
    }

    private byte[] assemble(byte[] signedData, byte[] signature, byte[] attestationKey, byte[] qeReport)
            throws Exception {
        byte[] pem = pem(pck, pckCa, root).getBytes(StandardCharsets.US_ASCII);
        byte[] qeSignature = sign(pckKey.getPrivate(), qeReport);
        int certSize = 384 + 64 + 2 + original.qeAuthData().length + 2 + 4 + pem.length;
        int signatureLength = 64 + 64 + 2 + 4 + certSize;
        ByteBuffer out = ByteBuffer.allocate(signedData.length + 4 + signatureLength).order(ByteOrder.LITTLE_ENDIAN);
        out.put(signedData).putInt(signatureLength).put(signature).put(attestationKey)
                .putShort((short) 6).putInt(certSize).put(qeReport).put(qeSignature)
                .putShort((short) original.qeAuthData().length).put(original.qeAuthData())
                .putShort((short) 5).putInt(pem.length).put(pem);
        return out.array();
    }

    static byte[] unsigned32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    /** Collateral over the given TCB info and QE identity JSON, with CRLs revoking the given serials. */
    TdxCollateral collateral(String tcbInfo, String qeIdentity, Instant now, List<BigInteger> revokedByRoot,
                             List<BigInteger> revokedByPckCa) throws Exception {
        return new TdxCollateral(pem(pckCa, root), crl(root, rootKey, now, revokedByRoot),
                crl(pckCa, pckCaKey, now, revokedByPckCa), pem(tcbSigner, root), tcbInfo,
                sign(tcbSignerKey.getPrivate(), tcbInfo.getBytes(StandardCharsets.UTF_8)), pem(tcbSigner, root),
                qeIdentity, sign(tcbSignerKey.getPrivate(), qeIdentity.getBytes(StandardCharsets.UTF_8)));
    }

    /** Collateral from {@code real}'s TCB info and QE identity, edited, re-signed and with the given CRLs. */
    TdxCollateral collateral(TdxCollateral real, Consumer<ObjectNode> tcbEdit, Consumer<ObjectNode> qeEdit, Instant now,
                             List<BigInteger> revokedByRoot, List<BigInteger> revokedByPckCa) throws Exception {
        return collateral(edit(real.tcbInfo(), tcbEdit), edit(real.qeIdentity(), qeEdit), now, revokedByRoot,
                revokedByPckCa);
    }

    static String edit(String json, Consumer<ObjectNode> change) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode node = (ObjectNode) mapper.readTree(json);
        change.accept(node);
        return mapper.writeValueAsString(node);
    }

    static JsonNode path(JsonNode node, Object... steps) {
        JsonNode at = node;
        for (Object step : steps) {
            at = step instanceof Integer i ? at.get(i) : at.get((String) step);
        }
        return at;
    }

    static byte[] crl(X509Certificate issuer, KeyPair key, Instant now, List<BigInteger> revoked) throws Exception {
        return TestCertificates.crl(issuer, key, now, revoked);
    }

    static byte[] sign(PrivateKey key, byte[] data) throws Exception {
        Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
        signature.initSign(key);
        signature.update(data);
        return signature.sign();
    }

    static String pem(X509Certificate... certificates) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (X509Certificate c : certificates) {
                writer.writeObject(c);
            }
        }
        return out.toString();
    }

    static KeyPair ecKey() {
        return TestCertificates.ecKey("secp256r1");
    }

    static X509Certificate certificate(String subject, KeyPair subjectKey, String issuer, KeyPair issuerKey, long serial,
                                       boolean ca, byte[] sgxExtension) throws Exception {
        return TestCertificates.certificate(subject, subjectKey, issuer, issuerKey, serial, ca,
                sgxExtension == null ? null : "1.2.840.113741.1.13.1", sgxExtension);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
