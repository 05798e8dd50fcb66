package network.cocoon.sdk.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * What every parser's refusal must satisfy besides its type (shared by the fuzz targets of every package): an
 * error message names fields and counts but never echoes the input, since it lands in logs and what the other
 * side sent is theirs to shape.
 */
public final class Invariants {
    static final int MAX_MESSAGE = 300;
    private static final int RUN = 12;
    private static final int OCCURRENCES = 4;

    /** A parser under test. */
    @FunctionalInterface
    public interface Parser {
        /** Parses {@code input}, throwing on refusal. */
        void parse(byte[] input) throws Exception;
    }

    private Invariants() {
    }

    /**
     * Runs {@code parser} on {@code input}: it must succeed or throw {@code expected}, whose message is at most
     * {@value #MAX_MESSAGE} characters and does not depend on the input's bytes as text. The last is tested by
     * difference, so that a message's own words found in the input (the fuzzer learns them from comparisons)
     * never count: where a 12-character run of the message (other than lowercase prose, see {@link #isProse})
     * occurs in the input, as text or as the input's hex, those input bytes are changed and the parser run
     * again; if the message then shows the changed bytes, it echoes the input.
     *
     * @throws AssertionError on a violated invariant; any other exception type is rethrown as the finding
     */
    public static void refusesOnly(byte[] input, Class<? extends Throwable> expected, Parser parser) throws Exception {
        Throwable error = run(parser, input, expected);
        if (error == null) {
            return;
        }
        String message = String.valueOf(error.getMessage());
        if (message.length() > MAX_MESSAGE) {
            throw new AssertionError("error message of " + message.length() + " characters");
        }
        String text = new String(input, StandardCharsets.ISO_8859_1);
        String hex = null;
        for (int start = 0; start + RUN <= message.length(); start++) {
            String run = message.substring(start, start + RUN);
            if (isProse(run)) {
                continue;
            }
            if (hex == null) {
                hex = HexFormat.of().formatHex(input);
            }
            // Each place the run occurs (a few at most): the message may quote any of them.
            for (int at = text.indexOf(run), seen = 0; at >= 0 && seen < OCCURRENCES;
                    at = text.indexOf(run, at + 1), seen++) {
                byte[] changed = changed(input, at, RUN);
                String echo = new String(changed, at, RUN, StandardCharsets.ISO_8859_1);
                requireNoEcho(error, run(parser, changed, expected), echo);
            }
            for (int at = hex.indexOf(run), seen = 0; at >= 0 && seen < OCCURRENCES;
                    at = hex.indexOf(run, at + 1), seen++) {
                int from = at / 2;
                byte[] changed = changed(input, from, Math.min(RUN / 2 + 1, input.length - from));
                requireNoEcho(error, run(parser, changed, expected),
                        HexFormat.of().formatHex(changed, from, Math.min(from + RUN / 2, changed.length)));
            }
        }
    }

    /**
     * Lowercase letters and spaces only: the words of the message templates. Skipped to keep the fuzzers fast
     * (every refusal is checked); an echo of plain lowercase prose is therefore not caught here.
     */
    private static boolean isProse(String run) {
        return run.chars().allMatch(c -> c >= 'a' && c <= 'z' || c == ' ');
    }

    private static void requireNoEcho(Throwable original, Throwable rerun, String changedBytes) {
        if (rerun != null && String.valueOf(rerun.getMessage()).contains(changedBytes)) {
            throw new AssertionError("error message repeats the input: " + original.getClass().getSimpleName());
        }
    }

    /** {@code input} with {@code length} bytes from {@code from} changed, each to another printable character. */
    private static byte[] changed(byte[] input, int from, int length) {
        byte[] out = input.clone();
        for (int i = from; i < from + length && i < out.length; i++) {
            out[i] = (byte) (out[i] == 'Q' ? 'Z' : 'Q');
        }
        return out;
    }

    private static Throwable run(Parser parser, byte[] input, Class<? extends Throwable> expected) throws Exception {
        try {
            parser.parse(input);
            return null;
        } catch (Exception e) {
            if (expected.isInstance(e)) {
                return e;
            }
            throw e;
        }
    }
}
