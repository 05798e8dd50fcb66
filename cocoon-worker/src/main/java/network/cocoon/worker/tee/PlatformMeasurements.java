package network.cocoon.worker.tee;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import network.cocoon.sdk.attestation.tdx.TdxQuote;
import network.cocoon.sdk.attestation.tdx.TdxVerificationException;

/**
 * What a worker's own evidence says about it, in the names operators publish and clients pin: for TDX the MRTD
 * and RTMR0-3 of its quote, for the dev platform the dev root key.
 */
public final class PlatformMeasurements {
    private PlatformMeasurements() {
    }

    /**
     * Reads the measurements out of evidence this worker produced.
     *
     * @param tee the platform that produced it
     * @param evidence its evidence (for TDX, a quote)
     * @return name to lowercase hex, in publication order
     * @throws IllegalStateException when the platform's own evidence cannot be parsed
     */
    public static Map<String, String> of(TeePlatform tee, byte[] evidence) {
        HexFormat hex = HexFormat.of();
        Map<String, String> out = new LinkedHashMap<>();
        switch (tee.platform()) {
            case "tdx" -> {
                try {
                    TdxQuote.TdReport report = TdxQuote.parse(evidence).report();
                    out.put("mrtd", hex.formatHex(report.mrTd()));
                    for (int i = 0; i < 4; i++) {
                        out.put("rtmr" + i, hex.formatHex(report.rtmrs().get(i)));
                    }
                } catch (TdxVerificationException e) {
                    throw new IllegalStateException("this machine's own TDX quote does not parse: " + e.getMessage(), e);
                }
            }
            case "dev" -> out.put("dev_root", hex.formatHex(tee.devRootPublicKey()));
            default -> throw new IllegalStateException("no measurements known for platform " + tee.platform());
        }
        return out;
    }
}
