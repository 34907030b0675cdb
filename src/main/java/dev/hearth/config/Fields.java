package dev.hearth.config;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads typed values out of YAML nodes and environment variables. A wrong value is recorded in
 * {@link Problems} and read as null, so the caller falls back to the default and goes on: one
 * start reports every problem, not just the first.
 */
public final class Fields {
    public final Problems problems;
    private final Map<String, String> env;

    public Fields(Problems problems, Map<String, String> env) {
        this.problems = problems;
        this.env = env;
    }

    /** The value of an entry, or null when it is absent, empty or wrong (then recorded). */
    public <T> T get(YamlNode node, String key, Values.Kind<T> kind) {
        if (node == null || node.isNull()) return null;
        T value = node.isScalar() ? kind.parse().apply(node.text()) : null;
        if (value == null) problems.at(node, key, expected(kind.expected(), node.describe()));
        return value;
    }

    /** The value of an environment variable; unset and empty read as null (empty = not overridden). */
    public <T> T env(String variable, Values.Kind<T> kind) {
        String text = env.get(variable);
        if (text == null || text.isBlank()) return null;
        T value = kind.parse().apply(text);
        if (value == null) problems.env(variable, expected(kind.expected(), YamlNode.quote(text)));
        return value;
    }

    boolean hasEnv(String variable) {
        String text = env.get(variable);
        return text != null && !text.isBlank();
    }

    /** The entries of a mapping, or empty when the node is absent or empty, or wrong (recorded). */
    public Map<String, YamlNode> mapping(YamlNode node, String key, String what) {
        if (node == null || node.isNull()) return Map.of();
        if (node.isMap()) return node.map();
        problems.at(node, key, expected(what, node.describe()));
        return Map.of();
    }

    /** Refuses keys outside {@code known}, suggesting the nearest when it looks like a typo. */
    public void knownKeys(Map<String, YamlNode> entries, String path, List<String> known) {
        entries.forEach((name, node) -> {
            if (known.contains(name)) return;
            String near = Suggest.closest(name, known);
            problems.at(node, prefix(path) + name, near != null
                    ? "unknown key; did you mean " + near + "?"
                    : "unknown key; expected one of " + list(known, "or"));
        });
    }

    /** A name or a list of names (aliases). */
    public List<String> names(YamlNode node, String key) {
        if (node == null || node.isNull()) return List.of();
        List<YamlNode> items = node.isList() ? node.list() : List.of(node);
        return items.stream().map(item -> get(item, key, Values.NAME)).filter(n -> n != null).distinct().toList();
    }

    /** A mapping of text values (a child's environment). */
    public Map<String, String> strings(YamlNode node, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping(node, key, "a mapping of NAME: value").forEach((name, value) -> {
            if (value.isNull()) {
                problems.at(value, key + "." + name, "expected text (\"\" for empty), got nothing");
                return;
            }
            String text = get(value, key + "." + name, Values.TEXT);
            if (text != null) out.put(name, text);
        });
        return out;
    }

    /** A free-form mapping (defaults, options) as plain Java values. */
    public Map<String, Object> plain(YamlNode node, String key) {
        Map<String, Object> out = new LinkedHashMap<>();
        mapping(node, key, "a mapping of key: value").forEach((name, value) -> {
            if (value.isNull()) {
                problems.at(value, key + "." + name, "expected a value, got nothing");
            } else {
                out.put(name, value.plain());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** A path in the file: "~/" is the user's home, other relative paths are read from {@code base}. */
    public static Path resolve(String text, Path base) {
        if (text.startsWith("~/")) return Path.of(System.getProperty("user.home"), text.substring(2));
        return base.resolve(text).normalize();
    }

    public static String expected(String what, String got) {
        return "expected " + what + ", got " + got;
    }

    /** "a, b or c". */
    public static String list(List<String> items, String lastJoin) {
        if (items.size() <= 1) return String.join("", items);
        return String.join(", ", items.subList(0, items.size() - 1)) + " " + lastJoin + " " + items.getLast();
    }

    /** "expected one of a, b or c, got "x" (did you mean b?)". */
    public static String oneOf(String typed, Collection<String> choices) {
        String near = Suggest.closest(typed, choices);
        return expected("one of " + list(List.copyOf(choices), "or"), YamlNode.quote(typed))
                + (near != null ? " (did you mean " + near + "?)" : "");
    }

    private static String prefix(String path) {
        return path.isEmpty() ? "" : path + ".";
    }
}
