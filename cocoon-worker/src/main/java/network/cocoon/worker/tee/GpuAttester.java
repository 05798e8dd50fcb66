package network.cocoon.worker.tee;

import java.util.List;
import network.cocoon.sdk.attestation.nvidia.GpuEvidence;

/**
 * Collects evidence from the worker's confidential GPUs. An NVIDIA implementation asks each GPU (through
 * NVML's confidential-computing API) for a signed SPDM measurement report over {@code nonce} and its device
 * certificate chain; the worker attaches the result to its attestation document.
 */
@FunctionalInterface
public interface GpuAttester {
    /** A worker without confidential GPUs. */
    GpuAttester NONE = nonce -> List.of();

    /**
     * Evidence from every GPU, each over {@code nonce} (32 bytes).
     *
     * @throws TeeUnavailableException if a GPU cannot produce evidence
     */
    List<GpuEvidence> evidence(byte[] nonce);
}
