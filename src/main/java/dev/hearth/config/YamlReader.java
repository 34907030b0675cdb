package dev.hearth.config;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML into {@link YamlNode}s with Jackson's streaming YAML parser, keeping each token's
 * line. Jackson's tree model drops locations, and every problem must name its line, hence the
 * walk over tokens. Anchors, aliases and {@code <<} merge keys are resolved here (Jackson reports
 * an alias as a string holding the anchor's name, which would otherwise be read as the value).
 */
public final class YamlReader {
    /** The builder leaves EMPTY_STRING_AS_NULL off (new YAMLFactory() has it on): "key:" must read as empty. */
    private static final YAMLFactory FACTORY =
            YAMLFactory.builder().enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL).build();

    private final YAMLParser parser;
    private final Problems problems;
    private final Map<String, YamlNode> anchors = new HashMap<>();

    private YamlReader(YAMLParser parser, Problems problems) {
        this.parser = parser;
        this.problems = problems;
    }

    /** The document's root (an empty mapping for an empty file), or null after a syntax problem. */
    public static YamlNode read(String yaml, Problems problems) {
        try (YAMLParser parser = FACTORY.createParser(yaml)) {
            YamlReader reader = new YamlReader(parser, problems);
            if (parser.nextToken() == null) return new YamlNode(Map.of(), 1);
            YamlNode root = reader.value("", line(parser));
            if (parser.nextToken() != null) {
                problems.atLine(line(parser), "a second YAML document; hearth.yaml holds one (remove the extra ---)");
            }
            return root;
        } catch (StreamReadException e) {
            syntax(e, problems);
            return null;
        } catch (IOException | RuntimeException e) {
            problems.inFile("cannot read it as YAML: " + e.getMessage());
            return null;
        }
    }

    private YamlNode value(String path, int line) throws IOException {
        if (parser.isCurrentAlias()) {
            YamlNode target = anchors.get(parser.getText());
            if (target != null) return target.at(line);
            problems.atLine(line, key(path) + "unknown alias *" + parser.getText());
            return new YamlNode(null, line);
        }
        String anchor = parser.getObjectId();   // the anchor (&name) on this node, if any
        YamlNode node = switch (parser.currentToken()) {
            case START_OBJECT -> mapping(path, line);
            case START_ARRAY -> sequence(path, line);
            case VALUE_NULL -> new YamlNode(null, line);
            case VALUE_TRUE, VALUE_FALSE -> scalar(line, parser.getBooleanValue());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> scalar(line, parser.getNumberValue());
            default -> scalar(line, parser.getText());
        };
        if (anchor != null) anchors.put(anchor, node);
        return node;
    }

    private YamlNode scalar(int line, Object typed) throws IOException {
        return new YamlNode(new YamlNode.Scalar(parser.getText(), typed), line);
    }

    private YamlNode mapping(String path, int line) throws IOException {
        Map<String, YamlNode> entries = new LinkedHashMap<>();
        List<YamlNode> merges = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            int keyLine = line(parser);
            parser.nextToken();
            String childPath = path.isEmpty() ? name : path + "." + name;
            YamlNode child = value(childPath, keyLine);
            if (name.equals("<<")) {
                merges.add(child);
            } else if (entries.containsKey(name)) {
                problems.atLine(keyLine, childPath + ": duplicate key (first at line " + entries.get(name).line() + ")");
            } else {
                entries.put(name, child);
            }
        }
        for (YamlNode merge : merges) merge(entries, merge, path);
        return new YamlNode(Collections.unmodifiableMap(entries), line);
    }

    /** YAML merge key: entries of the merged mapping(s) that this mapping does not set itself. */
    private void merge(Map<String, YamlNode> entries, YamlNode merge, String path) {
        List<YamlNode> sources = merge.isList() ? merge.list() : List.of(merge);
        for (YamlNode source : sources) {
            if (!source.isMap()) {
                problems.atLine(merge.line(), key(path) + "<<: expected a mapping (or a list of them) to merge, got "
                        + source.describe());
                return;
            }
            source.map().forEach(entries::putIfAbsent);
        }
    }

    private YamlNode sequence(String path, int line) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(path + "[" + items.size() + "]", line(parser)));
        }
        return new YamlNode(Collections.unmodifiableList(items), line);
    }

    private static String key(String path) {
        return path.isEmpty() ? "" : path + ": ";
    }

    private static int line(YAMLParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    /** SnakeYAML's message spans several lines with carets; keep the problem, its line and context. */
    private static void syntax(StreamReadException e, Problems problems) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String message = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
        if (e.getCause() instanceof MarkedYAMLException y && y.getProblem() != null) {
            if (y.getProblemMark() != null) line = y.getProblemMark().getLine() + 1;
            message = y.getProblem();
            if (y.getContext() != null && y.getContextMark() != null) {
                message += " (" + y.getContext() + " at line " + (y.getContextMark().getLine() + 1) + ")";
            }
        }
        if (line > 0) {
            problems.atLine(line, "not valid YAML: " + message);
        } else {
            problems.inFile("not valid YAML: " + message);
        }
    }
}
