package network.cocoon.sdk.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** What every parser's refusal must satisfy besides its type. */
final class Invariants {
    private Invariants() {
    }

    /**
     * An error message may name fields and counts but never echo the input: it crosses the wire and lands in
     * logs. Checked for every 12-byte run of the input, as text and as hex. Runs of lowercase letters, digits
     * and underscores alone are allowed: they are how messages name fields ({@code tcb_info_signature}), and a
     * document that carries a field name as a key would otherwise read as echoed.
     */
    static void fixedText(Throwable error, byte[] input) {
        String message = String.valueOf(error.getMessage());
        if (message.length() > 300) {
            throw new AssertionError("error message of " + message.length() + " characters");
        }
        for (int start = 0; start + 12 <= input.length; start += 12) {
            String text = new String(input, start, 12, StandardCharsets.ISO_8859_1);
            String hex = HexFormat.of().formatHex(input, start, start + 12);
            if (isPrintable(text) && !isIdentifier(text) && message.contains(text) || message.contains(hex)) {
                throw new AssertionError("error message repeats the input: " + error.getClass().getSimpleName());
            }
        }
    }

    private static boolean isIdentifier(String text) {
        return text.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_');
    }

    private static boolean isPrintable(String text) {
        return text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }
}
