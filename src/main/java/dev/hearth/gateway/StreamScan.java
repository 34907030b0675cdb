package dev.hearth.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the proxy counts in an engine's answer. A stream: one pass over it read in chunks, whatever the
 * boundaries — whether an end marker ("[DONE]") came, and how many SSE events ("data:" at a line's start)
 * there were. A whole answer: its {@code usage.completion_tokens} ({@link #completionTokens}).
 */
final class StreamScan {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private final java.util.List<byte[]> ends;
    private final int[] matched;
    /** The bytes at which something may begin: a line (and so an event), or an end marker. */
    private final boolean[] starts = new boolean[256];
    private boolean done;
    private int dataMatched;
    private boolean lineStart = true;
    private boolean partway; // an end marker matched partway, up to the last byte
    private long events;

    StreamScan(java.util.List<byte[]> ends) {
        this.ends = ends;
        this.matched = new int[ends.size()];
        starts['\n'] = true;
        for (byte[] end : ends) starts[end[0] & 0xff] = true;
    }

    /**
     * Most of a stream is the events' JSON, where nothing begins: such a byte is passed over with
     * one look-up (it would leave every count as it is), and only the others are looked at closely.
     */
    void feed(byte[] buf, int n) {
        boolean[] starts = this.starts;
        int i = 0;
        while (i < n) {
            if (!partway && !lineStart && dataMatched == 0) {
                while (i < n && !starts[buf[i] & 0xff]) i++;
                if (i == n) break;
            }
            step(buf[i++]);
        }
    }

    private void step(byte b) {
        if (!done) {
            partway = false;
            for (int e = 0; e < matched.length && !done; e++) {
                byte[] end = ends.get(e);
                matched[e] = b == end[matched[e]] ? matched[e] + 1 : (b == end[0] ? 1 : 0);
                done = matched[e] == end.length;
                partway |= matched[e] > 0;
            }
            if (done) partway = false;
        }
        if ((lineStart || dataMatched > 0) && b == DATA[dataMatched]) {
            lineStart = false;
            if (++dataMatched == DATA.length) {
                events++;
                dataMatched = 0;
            }
            return;
        }
        dataMatched = 0;
        lineStart = b == '\n';
    }

    boolean done() { return done; }

    /**
     * Whether {@code buf} ends with the {@code data: [DONE]} event: a stream's last, as OpenAI's API and
     * the engines that speak it send it. Only at an event's end, so a token that spells "[DONE]" (inside
     * a JSON string) never ends a stream early.
     */
    static boolean endsAtDone(byte[] buf, int n) {
        int end = n;
        int newlines = 0;
        for (; end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r'); end--) {
            if (buf[end - 1] == '\n') newlines++;
        }
        if (newlines < 2 || end < Proxy.DONE.length) return false; // an event ends with a blank line
        int at = end - Proxy.DONE.length;
        if (!Arrays.equals(buf, at, end, Proxy.DONE, 0, Proxy.DONE.length)) return false;
        while (at > 0 && buf[at - 1] == ' ') at--;
        return at >= DATA.length && Arrays.equals(buf, at - DATA.length, at, DATA, 0, DATA.length)
                && (at == DATA.length || buf[at - DATA.length - 1] == '\n');
    }

    long events() { return events; }

    private static final byte[] COMPLETION_TOKENS = "\"completion_tokens\":".getBytes(StandardCharsets.US_ASCII);

    /**
     * A whole answer's {@code usage.completion_tokens}, or 0: found by its bytes, not by parsing the
     * answer (an embeddings answer is large and has none).
     */
    static long completionTokens(byte[] body) {
        outer:
        for (int i = 0; i + COMPLETION_TOKENS.length <= body.length; i++) {
            for (int j = 0; j < COMPLETION_TOKENS.length; j++) {
                if (body[i + j] != COMPLETION_TOKENS[j]) continue outer;
            }
            long n = 0;
            int k = i + COMPLETION_TOKENS.length;
            while (k < body.length && body[k] == ' ') k++;
            for (; k < body.length && body[k] >= '0' && body[k] <= '9' && n < 1_000_000_000L; k++) n = n * 10 + (body[k] - '0');
            return n;
        }
        return 0;
    }
}
