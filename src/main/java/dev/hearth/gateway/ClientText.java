package dev.hearth.gateway;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client may be shown of a message written for the server's operator. Engines put their
 * last log lines into failure messages ("… Last log lines:\n…"), and those logs hold other users'
 * prompts (vLLM logs them); worker errors name files under the data dir. Clients get the reason
 * without either; the log lines stay in the server log and at {@code /api/models/{m}/logs}.
 */
public final class ClientText {
    /** Engines end a failure message with this, then one log line per line, to the end. */
    private static final Pattern LOG_LINES = Pattern.compile("[\\s;:,.]*\\b[Ll]ast log lines:.*", Pattern.DOTALL);
    /**
     * An absolute path of two segments or more, not part of a URL; Hearth's own routes
     * (/v1/…, /api/…) stay, as a message may name one.
     */
    private static final Pattern ABSOLUTE_PATH =
            Pattern.compile("(?<![\\w.:/~%-])/(?!v1/|api/)(?:[\\w.@+~-]+/)+([\\w.@+~-]*)");

    private static final Pattern MODEL = Pattern.compile("model '([^'/\\s]+)'");

    private ClientText() {}

    /** The message without engine log lines or absolute server paths; null stays null. */
    public static String of(String message, String model) {
        if (message == null) {
            return null;
        }
        return withoutPaths(withoutLogLines(message, model));
    }

    static String withoutLogLines(String message, String model) {
        Matcher m = LOG_LINES.matcher(message);
        if (!m.find()) {
            return message;
        }
        // the engine that wrote the lines is the last model the message names before them (a job's
        // error may name its enhancer's engine, not the job's model)
        Matcher named = MODEL.matcher(message.substring(0, m.start()));
        while (named.find()) {
            model = named.group(1);
        }
        String where = "/api/models/" + (model == null ? "{model}" : model) + "/logs";
        return message.substring(0, m.start()) + ". The engine's log is at " + where + " (admins).";
    }

    /** "/srv/hearth/data/inputs/j_1/in.png" → "…/in.png": the file name helps, the layout is private. */
    static String withoutPaths(String message) {
        return ABSOLUTE_PATH.matcher(message).replaceAll(r -> Matcher.quoteReplacement("…/" + r.group(1)));
    }
}
