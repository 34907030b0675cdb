package dev.hearth.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers its line, so every problem can point at it. For a mapping
 * entry the line is the key's line: that is where a reader looks for "models.qwen".
 *
 * @param value a {@code Map<String, YamlNode>} (file order), a {@code List<YamlNode>}, a
 *              {@link Scalar}, or null for an empty value
 */
public record YamlNode(Object value, int line) {

    /** A scalar as written (text) and as YAML typed it (String, Number or Boolean). */
    record Scalar(String text, Object typed) {}

    public boolean isNull() { return value == null; }

    public boolean isMap() { return value instanceof Map; }

    public boolean isList() { return value instanceof List; }

    public boolean isScalar() { return value instanceof Scalar; }

    @SuppressWarnings("unchecked")
    public Map<String, YamlNode> map() { return (Map<String, YamlNode>) value; }

    @SuppressWarnings("unchecked")
    public List<YamlNode> list() { return (List<YamlNode>) value; }

    public String text() { return ((Scalar) value).text(); }

    /** The same value at another line (an alias is reported where it is used). */
    YamlNode at(int otherLine) { return new YamlNode(value, otherLine); }

    /** How the value reads in "got …". */
    public String describe() {
        if (isMap()) return "a mapping";
        if (isList()) return "a list";
        if (isNull()) return "nothing";
        return quote(text());
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** Plain Java values for free-form maps (defaults, options): Map, List, String, Number, Boolean. */
    Object plain() {
        if (isMap()) {
            Map<String, Object> out = new LinkedHashMap<>();
            map().forEach((k, v) -> out.put(k, v.plain()));
            return out;
        }
        if (isList()) {
            List<Object> out = new ArrayList<>();
            list().forEach(v -> out.add(v.plain()));
            return out;
        }
        return isNull() ? null : ((Scalar) value).typed();
    }
}
