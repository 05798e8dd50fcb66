package network.cocoon.sdk.attestation.nvidia;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import network.cocoon.sdk.AttestationException;
import network.cocoon.sdk.AttestationException.Reason;
import network.cocoon.sdk.attestation.PinnedRootChain;

/**
 * Verifies NVIDIA confidential-computing GPU evidence offline: the device certificate chain to a pinned
 * NVIDIA device identity root, the GPU architecture named by those certificates (the evidence's label must
 * agree), the report's nonce, the device's ECDSA P-384 signature over the SPDM exchange, the report's firmware
 * id against the device certificate's TcbInfo firmware ids, and, when pinned, the expected measurement values.
 *
 * <p>Not done here, because it needs NVIDIA's online services: certificate revocation (OCSP) and the
 * comparison with NVIDIA's signed reference integrity manifests (RIMs). Pin reference measurements with
 * {@link Builder#expectMeasurement(int, String)} to check them offline instead.
 */
public final class NvidiaGpuVerifier implements GpuEvidenceVerifier {
    private final X509Certificate root;
    private final Map<Integer, String> expected;

    private NvidiaGpuVerifier(Builder b) {
        this.root = b.root;
        this.expected = Map.copyOf(b.expected);
    }

    /** A builder; the root is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public GpuClaims verify(GpuEvidence evidence, byte[] expectedNonce, Instant now) {
        List<X509Certificate> chain = parseChain(evidence.certificateChain());
        X509Certificate device = validateChain(chain, now);
        String architecture = DeviceCertificates.architecture(chain).orElseThrow(() -> new AttestationException(
                Reason.GPU_EVIDENCE_INVALID, "the GPU's certificates name no single known chip (GHxxx, GBxxx)"));
        if (!architecture.equalsIgnoreCase(evidence.architecture())) {
            throw new AttestationException(Reason.GPU_EVIDENCE_INVALID, "the evidence is labelled "
                    + evidence.architecture() + " but its certificates are of a " + architecture + " GPU");
        }
        SpdmMeasurements report;
        List<byte[]> certifiedFirmware;
        try {
            report = SpdmMeasurements.parse(evidence.report());
            certifiedFirmware = DeviceCertificates.firmwareIds(device);
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Reason.GPU_EVIDENCE_INVALID, "GPU report: " + e.getMessage(), e);
        }
        if (!MessageDigest.isEqual(report.requestNonce(), expectedNonce)) {
            throw new AttestationException(Reason.GPU_EVIDENCE_INVALID, "GPU report is not over this document's nonce");
        }
        try {
            Signature verifier = Signature.getInstance("SHA384withECDSAinP1363Format");
            verifier.initVerify(device.getPublicKey());
            verifier.update(report.signedData());
            if (!verifier.verify(report.signature())) {
                throw new AttestationException(Reason.GPU_EVIDENCE_INVALID, "GPU report signature is invalid");
            }
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Reason.GPU_EVIDENCE_INVALID, "GPU report signature unusable", e);
        }
        // As NVIDIA's verifier does: the firmware the report names is the firmware the device certificate names.
        byte[] reportedFirmware = report.opaqueFields().get(SpdmMeasurements.OPAQUE_FWID);
        if (reportedFirmware == null || certifiedFirmware.isEmpty()
                || certifiedFirmware.stream().noneMatch(id -> MessageDigest.isEqual(id, reportedFirmware))) {
            throw new AttestationException(Reason.GPU_EVIDENCE_INVALID,
                    "the report's firmware id is not the one in the device certificate's TcbInfo");
        }
        Map<Integer, String> measured = new HashMap<>();
        for (SpdmMeasurements.Block block : report.blocks()) {
            measured.put(block.index(), HexFormat.of().formatHex(block.value()));
        }
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            if (!e.getValue().equals(measured.get(e.getKey()))) {
                throw new AttestationException(Reason.MEASUREMENT_NOT_ALLOWED,
                        "GPU measurement " + e.getKey() + " differs from the pinned reference value");
            }
        }
        return new GpuClaims(architecture, measured);
    }

    private static List<X509Certificate> parseChain(List<byte[]> chain) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> certificates = new ArrayList<>();
            for (byte[] der : chain) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            }
            if (certificates.isEmpty()) {
                throw new AttestationException(Reason.GPU_EVIDENCE_INVALID, "GPU certificate chain is empty");
            }
            return certificates;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new AttestationException(Reason.GPU_EVIDENCE_INVALID, "GPU certificate chain is not DER X.509", e);
        }
    }

    private X509Certificate validateChain(List<X509Certificate> certificates, Instant now) {
        try {
            // Revocation needs NVIDIA's OCSP service; see the class comment.
            return PinnedRootChain.validate(certificates, root, now);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new AttestationException(Reason.GPU_EVIDENCE_INVALID,
                    "GPU certificate chain does not lead to the pinned root: " + e.getMessage(), e);
        }
    }

    /** Builds an {@link NvidiaGpuVerifier}. */
    public static final class Builder {
        private X509Certificate root;
        private final Map<Integer, String> expected = new HashMap<>();

        private Builder() {
        }

        /** The NVIDIA device identity root CA that every GPU chain must end in (required). */
        public Builder pinnedRoot(X509Certificate root) {
            this.root = Objects.requireNonNull(root);
            return this;
        }

        /** Requires measurement block {@code index} to hold {@code hex} (from NVIDIA's RIM for the driver/VBIOS). */
        public Builder expectMeasurement(int index, String hex) {
            expected.put(index, hex.toLowerCase(java.util.Locale.ROOT));
            return this;
        }

        /** Builds the verifier. */
        public NvidiaGpuVerifier build() {
            if (root == null) {
                throw new IllegalStateException("pin NVIDIA's device identity root");
            }
            return new NvidiaGpuVerifier(this);
        }
    }
}
