package dev.hearth.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem in a configuration so that one start reports them all, one a line,
 * each naming the file and line (or the environment variable), the key and what was expected.
 */
public final class Problems {
    private final String file;
    /** A problem and where it sorts: file lines in order, then the environment. */
    private record Entry(long order, String text) {}

    private final List<Entry> entries = new ArrayList<>();
    private boolean inFile;
    private boolean inEnv;
    private boolean inOptions;

    /** @param file the config file as the user named it, or null when there is none */
    public Problems(String file) {
        this.file = file;
    }

    /** "hearth.yaml:12: models.qwen.memory: expected …". */
    public void at(YamlNode where, String key, String message) {
        atLine(where.line(), key + ": " + message);
    }

    /** "hearth.yaml:3: message", for problems that belong to no key (YAML syntax). */
    void atLine(int line, String message) {
        add(line, file + ":" + line + ": " + message);
    }

    /** "hearth.yaml: message", for the file as a whole (not found, unreadable). */
    public void inFile(String message) {
        add(0, file + ": " + message);
    }

    private void add(long order, String text) {
        entries.add(new Entry(order, text));
        inFile = true;
    }

    /**
     * "HEARTH_MAX_QUEUE (environment): expected …", or "--listen (command line): …" for an option
     * of {@code hearth serve}, which reaches the loader as a variable named like the option.
     */
    public void env(String variable, String message) {
        boolean option = variable.startsWith("--");
        entries.add(new Entry(Long.MAX_VALUE, variable + (option ? " (command line): " : " (environment): ") + message));
        if (option) {
            inOptions = true;
        } else {
            inEnv = true;
        }
    }

    int count() { return entries.size(); }

    /** Problems are found model by model and key by key; they are reported in file order. */
    public void throwIfAny() {
        if (entries.isEmpty()) return;
        List<String> lines = entries.stream()
                .sorted(java.util.Comparator.comparingLong(Entry::order))
                .map(Entry::text)
                .toList();
        List<String> places = new ArrayList<>();
        if (inFile) places.add(file);
        if (inEnv) places.add("the environment");
        if (inOptions) places.add("the command line");
        String where = String.join(" and ", places);
        String summary = lines.size() + (lines.size() == 1 ? " problem in " : " problems in ") + where;
        throw new ConfigException(summary, lines);
    }
}
