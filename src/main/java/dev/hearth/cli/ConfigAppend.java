package dev.hearth.cli;

import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.config.ConfigException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code hearth pull --add}: a chat model entry per pulled GGUF, written into hearth.yaml as text —
 * inserted at the end of its {@code models:} section (or a new one at the end of the file) — so
 * that the user's comments and layout stay as they were. The result is loaded with Hearth's own
 * loader; a file it refuses is put back as it was.
 */
final class ConfigAppend {
    private ConfigAppend() {}

    private static final Pattern LATER_SHARD = Pattern.compile(".*-(\\d{5})-of-\\d{5}\\.gguf$");

    /**
     * @param defaultDir the directory the built-in catalog scans for GGUFs when there is no hearth.yaml
     */
    static int addGgufs(Path configOrNull, Path dir, Path defaultDir, List<String> files, PrintStream out, PrintStream err) {
        Path config = configOrNull != null ? configOrNull : Path.of(dev.hearth.config.Defaults.CONFIG_FILE);
        List<String> ggufs = files.stream().filter(ConfigAppend::isModelFile).toList();
        if (ggufs.isEmpty()) {
            err.println("hearth pull --add: no GGUF model file among the pulled files; --add only knows GGUF chat models,"
                    + " add the entry to " + config + " by hand (hearth.example.yaml shows every engine)");
            return 1;
        }
        if (!Files.exists(config)) {
            // a hearth.yaml with models: replaces the built-in catalog, so none is made just for this
            if (dir.equals(defaultDir.toAbsolutePath().normalize())) {
                out.println("No " + config + " here: `hearth serve` without one serves every GGUF in " + dir
                        + " already, so nothing was added");
                return 0;
            }
            err.println("hearth pull --add: no " + config + " to add to; copy hearth.example.yaml to " + config
                    + " (or pass --config FILE) and run the pull again: the files are in place, only the entries are missing");
            return 1;
        }
        try {
            String before = Files.readString(config, StandardCharsets.UTF_8);
            Map<String, ?> taken = ConfigLoader.load(config, Map.of()).models();
            List<String> names = new ArrayList<>();
            StringBuilder entries = new StringBuilder();
            for (String f : ggufs) {
                String name = unique(ConfigLoader.ggufModelName(Path.of(f)), taken.keySet(), names);
                names.add(name);
                entries.append(name).append(":\n")
                        .append("  task: chat\n")
                        .append("  path: ").append(quote(dir.resolve(f).toAbsolutePath().normalize().toString())).append('\n');
            }
            String after = insert(before, entries.toString());
            Files.writeString(config, after, StandardCharsets.UTF_8);
            try {
                HearthConfig loaded = ConfigLoader.load(config, Map.of());
                for (String n : names) {
                    if (!loaded.models().containsKey(n)) throw new IllegalStateException("the entry " + n + " did not load");
                }
            } catch (ConfigException | IllegalStateException e) {
                Files.writeString(config, before, StandardCharsets.UTF_8);
                err.println("hearth pull --add: " + config + " would not load with the new entries, so it was left as it"
                        + " was:\n" + e.getMessage());
                return 1;
            }
            out.println("Added to " + config + ": " + String.join(", ", names)
                    + " (a running Hearth picks them up when restarted)");
            return 0;
        } catch (ConfigException e) {
            err.println("hearth pull --add: " + config + " does not load as it is, so nothing was added:\n" + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("hearth pull --add: cannot write " + config + ": " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("hearth pull --add: " + config + ": " + e.getMessage());
            return 1;
        }
    }

    /**
     * The text with {@code entries} (at indent 0) added under {@code models:}: after the section's
     * last indented line, at the section's own indent; a new {@code models:} at the end when there is none.
     */
    static String insert(String text, String entries) {
        if (text == null || text.isBlank()) return (text == null ? "" : text) + "models:\n" + entries.indent(2);
        List<String> lines = new ArrayList<>(text.lines().toList());
        int models = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("models:\\s*(#.*)?")) models = i;
        }
        if (models < 0) {
            if (lines.stream().anyMatch(l -> l.startsWith("models:"))) {
                throw new IllegalArgumentException("models: is written inline; add the entries by hand");
            }
            return text + (text.endsWith("\n") ? "" : "\n") + "models:\n" + entries.indent(2);
        }
        int last = models; // the last line that belongs to the section (indented, not blank, not a column-0 comment)
        String indent = null;
        for (int i = models + 1; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.startsWith("#")) continue;
            if (!Character.isWhitespace(l.charAt(0))) break;
            last = i;
            if (indent == null && !l.strip().startsWith("#")) indent = l.substring(0, l.length() - l.stripLeading().length());
        }
        lines.add(last + 1, entries.indent(indent == null ? 2 : indent.length()).stripTrailing());
        return String.join("\n", lines) + "\n";
    }

    private static boolean isModelFile(String f) {
        String name = Path.of(f).getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".gguf") || name.startsWith("mmproj")) return false;
        var shard = LATER_SHARD.matcher(name);
        return !shard.matches() || shard.group(1).equals("00001");
    }

    private static String unique(String name, java.util.Set<String> taken, List<String> added) {
        String candidate = name;
        for (int i = 2; taken.contains(candidate) || added.contains(candidate); i++) candidate = name + "-" + i;
        return candidate;
    }

    private static String quote(String path) {
        return "\"" + path.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
