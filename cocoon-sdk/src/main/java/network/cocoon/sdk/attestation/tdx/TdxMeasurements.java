package network.cocoon.sdk.attestation.tdx;

import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One allowed worker image: its MRTD and, optionally, the values its runtime measurement registers must
 * hold. A {@code null} RTMR is not checked (RTMR3 is usually extended at run time). Values are lowercase hex
 * of 48 bytes.
 *
 * @param mrTd measurement of the initial TD (firmware, kernel and worker image as loaded)
 * @param rtmrs RTMR0 to RTMR3, each {@code null} (any value) or 96 hex digits
 */
public record TdxMeasurements(String mrTd, List<String> rtmrs) {
    /** Validates lengths and normalizes case. */
    public TdxMeasurements {
        mrTd = normalize(Objects.requireNonNull(mrTd, "mrTd"));
        if (rtmrs.size() != 4) {
            throw new IllegalArgumentException("give four RTMR values (null for any)");
        }
        rtmrs = rtmrs.stream().map(v -> v == null ? null : normalize(v)).toList();
    }

    /** An image identified by its MRTD alone. */
    public static TdxMeasurements ofMrTd(String mrTd) {
        return new TdxMeasurements(mrTd, java.util.Arrays.asList(null, null, null, null));
    }

    /** Whether a verified TD report matches this image. */
    boolean matches(TdxQuote.TdReport report) {
        HexFormat hex = HexFormat.of();
        if (!hex.formatHex(report.mrTd()).equals(mrTd)) {
            return false;
        }
        for (int i = 0; i < 4; i++) {
            if (rtmrs.get(i) != null && !hex.formatHex(report.rtmrs().get(i)).equals(rtmrs.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static String normalize(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.matches("[0-9a-f]{96}")) {
            throw new IllegalArgumentException("a TDX measurement is 48 bytes of hex");
        }
        return v;
    }
}
