package network.cocoon.sdk.attestation.nvidia;

import java.util.Map;

/**
 * What verified GPU evidence proved.
 *
 * @param architecture the GPU architecture
 * @param measurements hex measurement values by SPDM block index
 */
public record GpuClaims(String architecture, Map<Integer, String> measurements) {
    /** Copies the map. */
    public GpuClaims {
        measurements = Map.copyOf(measurements);
    }
}
