package dev.hearth.engine.llamacpp;

import java.util.List;

/**
 * Finds stop sequences in generated text that arrives a token at a time. Text that could be the
 * start of a stop sequence is held back until the next token decides it, so a stop that spans
 * tokens is still caught and never leaks into the output.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
    }

    /** Adds generated text; returns the text that is now safe to emit (possibly empty). */
    String feed(String text) {
        if (stopped) {
            return "";
        }
        pending.append(text);
        int cut = firstMatch();
        if (cut >= 0) {
            stopped = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int keep = longestPrefixSuffix();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** Generation ended without a stop: whatever was held back is output after all. */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    boolean stopped() { return stopped; }

    private int firstMatch() {
        int best = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (best < 0 || at < best)) {
                best = at;
            }
        }
        return best;
    }

    /** Length of the longest tail of the pending text that begins some stop sequence. */
    private int longestPrefixSuffix() {
        int best = 0;
        for (String stop : stops) {
            int max = Math.min(stop.length() - 1, pending.length());
            for (int len = max; len > best; len--) {
                if (pending.indexOf(stop.substring(0, len), pending.length() - len) == pending.length() - len) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
