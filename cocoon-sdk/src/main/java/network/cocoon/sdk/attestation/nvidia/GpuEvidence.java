package network.cocoon.sdk.attestation.nvidia;

import java.util.List;
import java.util.Objects;
import network.cocoon.sdk.crypto.Digests;
import network.cocoon.sdk.protocol.Labels;

/**
 * One confidential GPU's evidence, as a worker attaches it to its attestation document: the SPDM
 * {@code GET_MEASUREMENTS} request and signed {@code MEASUREMENTS} response (NVIDIA's "attestation report"),
 * and the device certificate chain, leaf first (DER).
 *
 * @param architecture the GPU architecture, e.g. {@code HOPPER}
 * @param report SPDM request followed by the signed response
 * @param certificateChain DER certificates from the device's attestation key up to NVIDIA's root
 */
public record GpuEvidence(String architecture, byte[] report, List<byte[]> certificateChain) {
    /** Label of the nonce derivation. */
    public static final String NONCE_LABEL = "cocoon/v1 gpu evidence";

    /** Validates presence and copies arrays. */
    public GpuEvidence {
        Objects.requireNonNull(architecture, "architecture");
        report = Objects.requireNonNull(report, "report").clone();
        certificateChain = certificateChain.stream().map(byte[]::clone).toList();
    }

    /** A copy of the SPDM report. */
    @Override
    public byte[] report() {
        return report.clone();
    }

    /**
     * The 32-byte nonce a worker must put in each GPU's measurement request: binds the GPU evidence to the
     * document, whose report data the TEE evidence in turn covers.
     */
    public static byte[] nonceFor(byte[] reportData) {
        return Digests.sha256(Labels.bytes(NONCE_LABEL), reportData);
    }
}
