package dev.hearth.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code command} engine's command line, split into argv once at load time and never given to a
 * shell: a placeholder's value ({@code ${INPUT}}, {@code ${LANGUAGE}}…) lands inside its one argv
 * item whatever it contains, so a request cannot inject a second command. Quotes ('…' or "…")
 * group words into one item, as a shell would; nothing else of a shell's syntax is understood.
 */
public record CommandTemplate(List<String> items) {
    /** The placeholders a run fills in. */
    public static final Set<String> PLACEHOLDERS = Set.of("INPUT", "OUTPUT", "LANGUAGE", "VOICE", "SPEED", "PROMPT",
            "TASK");
    /** A request's language or voice: one word an engine takes as an option value, never an option itself. */
    public static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_+.:-]{0,63}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_]+)}");
    private static final Set<String> SHELL_SYNTAX = Set.of("|", "||", "&", "&&", ";", ">", ">>", "<", "2>", "2>&1");

    public CommandTemplate {
        items = List.copyOf(items);
    }

    /**
     * Splits {@code cmd} into argv items.
     *
     * @throws IllegalArgumentException naming what is wrong: an open quote, shell syntax, an unknown placeholder
     */
    public static CommandTemplate parse(String cmd) {
        List<String> items = new ArrayList<>();
        StringBuilder item = null;
        char quote = 0;
        for (int i = 0; i < cmd.length(); i++) {
            char c = cmd.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
                else item.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                if (item == null) item = new StringBuilder();
            } else if (Character.isWhitespace(c)) {
                if (item != null) items.add(item.toString());
                item = null;
            } else {
                if (item == null) item = new StringBuilder();
                item.append(c);
            }
        }
        if (quote != 0) throw new IllegalArgumentException("a quote (" + quote + ") is not closed");
        if (item != null) items.add(item.toString());
        if (items.isEmpty()) throw new IllegalArgumentException("empty command");
        for (String it : items) {
            if (SHELL_SYNTAX.contains(it)) {
                throw new IllegalArgumentException("'" + it + "' is shell syntax, but the command runs without a shell;"
                        + " write the output to ${OUTPUT} or stdout instead of piping or redirecting");
            }
            Matcher m = PLACEHOLDER.matcher(it);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    throw new IllegalArgumentException("unknown placeholder ${" + m.group(1) + "}; a command may use "
                            + PLACEHOLDERS.stream().sorted().map(p -> "${" + p + "}").toList());
                }
            }
        }
        return new CommandTemplate(items);
    }

    /** Whether a placeholder appears anywhere in the command. */
    public boolean uses(String placeholder) {
        return items.stream().anyMatch(it -> it.contains("${" + placeholder + "}"));
    }

    /** The argv with every placeholder replaced by its value ("" when it has none). */
    public List<String> argv(Map<String, String> values) {
        return items.stream().map(it -> {
            Matcher m = PLACEHOLDER.matcher(it);
            StringBuilder out = new StringBuilder();
            while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), "")));
            m.appendTail(out);
            return out.toString();
        }).toList();
    }
}
