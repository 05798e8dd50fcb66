package network.cocoon.sdk.attestation.nvidia;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.AttestationException.Reason;
import network.cocoon.sdk.attestation.AttestationVerifier;
import network.cocoon.sdk.protocol.AttestationDocument;
import network.cocoon.sdk.protocol.ProtocolJson;
import network.cocoon.sdk.testing.DevWorkerFixture;
import network.cocoon.sdk.testing.TestCertificates;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** GPU evidence from a synthetic device: a P-384 key certified by a test root, signing SPDM 1.1 reports. */
class NvidiaGpuVerifierTest {
    static final byte[] FIRMWARE = HexFormat.of().parseHex("aa".repeat(48));
    static final byte[] FIRMWARE_ID = HexFormat.of().parseHex("f1".repeat(48));
    KeyPair rootKey = TestCertificates.ecKey("secp384r1");
    KeyPair deviceKey = TestCertificates.ecKey("secp384r1");
    X509Certificate root;
    X509Certificate device;
    final DevWorkerFixture fixture = new DevWorkerFixture();

    @BeforeEach
    void pki() throws Exception {
        root = TestCertificates.certificate("CN=Test GPU Root", rootKey, "CN=Test GPU Root", rootKey, 1, true, null,
                null);
        device = deviceCertificate("CN=GH100 A01 GSP FMC LF Test", FIRMWARE_ID);
    }

    /** A device certificate with a TCG DICE TcbInfo extension naming one SHA-384 firmware id. */
    X509Certificate deviceCertificate(String subject, byte[] firmwareId) throws Exception {
        byte[] tcbInfo = firmwareId == null ? null : new DERSequence(new ASN1Encodable[] {
            new DERTaggedObject(false, 6, new DERSequence(new DERSequence(new ASN1Encodable[] {
                new ASN1ObjectIdentifier("2.16.840.1.101.3.4.2.2"), new DEROctetString(firmwareId)})))})
                .getEncoded();
        return TestCertificates.certificate(subject, deviceKey, "CN=Test GPU Root", rootKey, 2, false,
                firmwareId == null ? null : "2.23.133.5.4.1", tcbInfo);
    }

    /** A signed SPDM 1.1 GET_MEASUREMENTS / MEASUREMENTS exchange with one digest block. */
    byte[] report(byte[] nonce, KeyPair signer, byte[] measurement) throws Exception {
        return report(nonce, signer, measurement, opaque(FIRMWARE_ID));
    }

    /** NVIDIA opaque data: a driver version field, then the firmware id (type 20), as type-length-value. */
    static byte[] opaque(byte[] firmwareId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {3, 0, 4, 0, '5', '7', '0', 0});
        if (firmwareId != null) {
            out.writeBytes(new byte[] {20, 0, (byte) firmwareId.length, 0});
            out.writeBytes(firmwareId);
        }
        return out.toByteArray();
    }

    byte[] report(byte[] nonce, KeyPair signer, byte[] measurement, byte[] opaque) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x11, (byte) 0xE0, 0x01, 0x00});
        out.writeBytes(nonce);
        out.write(0);
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        int size = 3 + measurement.length;
        record.writeBytes(new byte[] {1, 1, (byte) size, (byte) (size >> 8), 0x01, (byte) measurement.length,
            (byte) (measurement.length >> 8)});
        record.writeBytes(measurement);
        int length = record.size();
        out.writeBytes(new byte[] {0x11, 0x60, 0, 0, 1, (byte) length, (byte) (length >> 8), (byte) (length >> 16)});
        out.writeBytes(record.toByteArray());
        out.writeBytes(new byte[32]);
        out.writeBytes(new byte[] {(byte) opaque.length, (byte) (opaque.length >> 8)});
        out.writeBytes(opaque);
        Signature signature = Signature.getInstance("SHA384withECDSAinP1363Format");
        signature.initSign(signer.getPrivate());
        signature.update(out.toByteArray());
        out.writeBytes(signature.sign());
        return out.toByteArray();
    }

    GpuEvidence evidence(byte[] nonce) throws Exception {
        return new GpuEvidence("HOPPER", report(nonce, deviceKey, FIRMWARE), List.of(device.getEncoded(),
                root.getEncoded()));
    }

    NvidiaGpuVerifier verifier() {
        return NvidiaGpuVerifier.builder().pinnedRoot(root).expectMeasurement(1, "AA".repeat(48)).build();
    }

    Reason refusal(GpuEvidence evidence, byte[] nonce) {
        return assertThrows(AttestationException.class, () -> verifier().verify(evidence, nonce, Instant.now())).reason();
    }

    @Test
    void genuineEvidenceOverTheNonceVerifies() throws Exception {
        byte[] nonce = new byte[32];
        nonce[0] = 9;
        GpuClaims claims = verifier().verify(evidence(nonce), nonce, Instant.now());
        assertEquals("aa".repeat(48), claims.measurements().get(1));
    }

    @Test
    void nonceSignatureChainAndMeasurementsAreChecked() throws Exception {
        byte[] nonce = new byte[32];
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(evidence(nonce), new byte[] {1}), "other nonce");
        byte[] report = evidence(nonce).report();
        for (int offset : new int[] {10, 40, 50, report.length - 120, report.length - 100, report.length - 1}) {
            byte[] tampered = report.clone();
            tampered[offset] ^= 1;
            assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER", tampered,
                    evidence(nonce).certificateChain()), nonce), "byte " + offset);
        }
        KeyPair other = TestCertificates.ecKey("secp384r1");
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER", report(nonce, other, FIRMWARE),
                evidence(nonce).certificateChain()), nonce), "signed by another key");
        X509Certificate foreign = TestCertificates.certificate("CN=Other Root", other, "CN=Other Root", other, 5, true,
                null, null);
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER", report(nonce, deviceKey, FIRMWARE),
                List.of(device.getEncoded(), foreign.getEncoded())), nonce), "chain to another root");
        assertEquals(Reason.MEASUREMENT_NOT_ALLOWED, refusal(new GpuEvidence("HOPPER",
                report(nonce, deviceKey, new byte[48]), evidence(nonce).certificateChain()), nonce), "firmware");
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER", new byte[10], List.of()), nonce));
    }

    @Test
    void bytesAfterTheSignatureAreIgnored() throws Exception {
        byte[] nonce = new byte[32];
        byte[] report = evidence(nonce).report();
        byte[] extended = java.util.Arrays.copyOf(report, report.length + 1);
        extended[report.length] = 0x42;
        GpuClaims claims = verifier().verify(new GpuEvidence("HOPPER", extended, evidence(nonce).certificateChain()),
                nonce, Instant.now());
        assertEquals("HOPPER", claims.architecture());
    }

    @Test
    void theFirmwareIdMustBeTheCertifiedOne() throws Exception {
        byte[] nonce = new byte[32];
        List<byte[]> chain = evidence(nonce).certificateChain();
        byte[] otherId = FIRMWARE_ID.clone();
        otherId[0] ^= 1;
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER",
                report(nonce, deviceKey, FIRMWARE, opaque(otherId)), chain), nonce), "another firmware id");
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER",
                report(nonce, deviceKey, FIRMWARE, opaque(null)), chain), nonce), "no firmware id in the report");
        X509Certificate uncertified = deviceCertificate("CN=GH100 A01 GSP FMC LF Test", null);
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER", report(nonce, deviceKey, FIRMWARE),
                List.of(uncertified.getEncoded(), root.getEncoded())), nonce), "no firmware id in the certificate");
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER",
                report(nonce, deviceKey, FIRMWARE, new byte[] {20, 0, 48}), chain), nonce), "malformed opaque data");
    }

    @Test
    void theArchitectureComesFromTheCertificates() throws Exception {
        byte[] nonce = new byte[32];
        GpuEvidence hopper = evidence(nonce);
        var e = assertThrows(AttestationException.class, () -> verifier().verify(new GpuEvidence("BLACKWELL",
                hopper.report(), hopper.certificateChain()), nonce, Instant.now()));
        assertEquals(Reason.GPU_EVIDENCE_INVALID, e.reason());
        assertTrue(e.getMessage().contains("HOPPER"), e.getMessage());
        assertFalse(e.getMessage().contains("GPU_EVIDENCE_INVALID"), "the message does not repeat the reason");
        assertEquals(1, e.toString().split("GPU_EVIDENCE_INVALID", -1).length - 1, e.toString());
        X509Certificate unnamed = deviceCertificate("CN=Test GPU Device", FIRMWARE_ID);
        assertEquals(Reason.GPU_EVIDENCE_INVALID, refusal(new GpuEvidence("HOPPER", hopper.report(),
                List.of(unnamed.getEncoded(), root.getEncoded())), nonce), "no chip named");
        X509Certificate blackwell = deviceCertificate("CN=GB100 A01 GSP FMC LF Test", FIRMWARE_ID);
        GpuClaims claims = verifier().verify(new GpuEvidence("BLACKWELL", hopper.report(),
                List.of(blackwell.getEncoded(), root.getEncoded())), nonce, Instant.now());
        assertEquals("BLACKWELL", claims.architecture());
    }

    @Test
    void thePolicyRequiresGpusBoundToTheDocument() throws Exception {
        var verifier = new AttestationVerifier(fixture.policy().requireGpus(verifier(), 1).build());
        AttestationDocument plain = fixture.document();
        assertEquals(Reason.GPU_EVIDENCE_MISSING, assertThrows(AttestationException.class,
                () -> verifier.verify(plain, fixture.nonce)).reason());
        byte[] nonce = GpuEvidence.nonceFor(plain.reportData());
        AttestationDocument withGpu = ProtocolJson.read(ProtocolJson.write(plain.withGpuEvidence(
                List.of(evidence(nonce)))), AttestationDocument.class);
        var worker = verifier.verify(withGpu, fixture.nonce);
        assertEquals("HOPPER", worker.claims().measurements().get("gpu0.architecture"));
        AttestationDocument otherDocument = plain.withGpuEvidence(List.of(evidence(new byte[32])));
        assertEquals(Reason.GPU_EVIDENCE_INVALID, assertThrows(AttestationException.class,
                () -> verifier.verify(otherDocument, fixture.nonce)).reason());
        assertTrue(new String(ProtocolJson.write(plain)).indexOf("gpuEvidence") < 0, "omitted when empty");
    }
}
