package network.cocoon.worker.inference;

import java.util.List;

/**
 * Turns generated token ids into text that can be released as it comes: decodes the whole sequence each
 * time (byte-level tokenizers only form valid characters across tokens), holds back an incomplete UTF-8
 * character and any tail that could still become a stop sequence, and finds the first stop sequence.
 */
final class TextAssembler {
    private final List<String> stops;
    private String text = "";
    private int released;
    private boolean stopped;

    TextAssembler(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    /**
     * Updates with the decoding of all tokens so far.
     *
     * @return the newly releasable text (possibly empty)
     */
    String update(String decoded) {
        if (stopped) {
            return "";
        }
        int stopAt = firstStop(decoded);
        if (stopAt >= 0) {
            stopped = true;
            text = decoded.substring(0, stopAt);
            return release(text.length());
        }
        text = decoded;
        int safe = decoded.length();
        if (safe > 0 && decoded.charAt(safe - 1) == '\uFFFD') {
            safe--;
        }
        safe -= heldForStop(decoded.substring(0, safe));
        return release(Math.max(safe, released));
    }

    /** Everything not yet released, at the end of generation. */
    String flush() {
        String rest = text;
        if (!stopped && rest.endsWith("\uFFFD")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        text = rest;
        return release(rest.length());
    }

    /** Whether a stop sequence was found. */
    boolean stopped() {
        return stopped;
    }

    /** The full text (without any stop sequence). */
    String text() {
        return text;
    }

    private String release(int upTo) {
        if (upTo <= released) {
            return "";
        }
        String out = text.substring(released, upTo);
        released = upTo;
        return out;
    }

    private int firstStop(String decoded) {
        int first = -1;
        for (String stop : stops) {
            int at = decoded.indexOf(stop, Math.max(0, released - stop.length() + 1));
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Length of the longest suffix of {@code text} that is a proper prefix of a stop sequence. */
    private int heldForStop(String candidate) {
        int held = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, candidate.length()); n > held; n--) {
                if (candidate.endsWith(stop.substring(0, n))) {
                    held = n;
                    break;
                }
            }
        }
        return held;
    }
}
