package dev.hearth.catalog;

import dev.hearth.config.Defaults;
import dev.hearth.config.Fields;
import dev.hearth.config.Values;
import dev.hearth.config.YamlNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNullElse;

/** The keys only a {@code command} model reads: its template checked once, at load time. */
final class CommandSection {
    private CommandSection() {}

    /** The settings, or null when the command is missing or wrong (recorded). */
    static CommandSettings read(String name, YamlNode node, Task task, String cmd, Fields f) {
        Map<String, YamlNode> m = node.map();
        String prefix = "models." + name + ".";
        var timeout = requireNonNullElse(f.get(m.get("run_timeout"), prefix + "run_timeout", Values.POSITIVE_DURATION),
                Defaults.COMMAND_RUN_TIMEOUT);
        String input = format(m, prefix, "input_format", CommandSettings.INPUT_FORMATS.get(task), task, f);
        String output = format(m, prefix, "output_format", CommandSettings.OUTPUT_FORMATS.get(task), task, f);
        Map<String, String> voices = new LinkedHashMap<>(f.strings(m.get("voices"), prefix + "voices"));
        if (!voices.isEmpty() && task != Task.SPEECH) {
            f.problems.at(m.get("voices"), prefix + "voices", "only a speech model has voices");
        }
        if (cmd == null) return null;
        CommandTemplate template;
        try {
            template = CommandTemplate.parse(cmd);
        } catch (IllegalArgumentException e) {
            f.problems.at(m.get("cmd"), prefix + "cmd", e.getMessage());
            return null;
        }
        if (!template.uses("INPUT")) {
            f.problems.at(m.get("cmd"), prefix + "cmd", "must contain ${INPUT}: the file with the request's "
                    + (task == Task.SPEECH ? "text" : task == Task.OCR ? "image" : "audio"));
        }
        return new CommandSettings(template, timeout, input, output, voices);
    }

    private static String format(Map<String, YamlNode> m, String prefix, String key, List<String> choices, Task task,
                                 Fields f) {
        if (choices == null) return null; // the task is wrong, and recorded as such
        String given = f.get(m.get(key), prefix + key, Values.TEXT);
        if (given == null) return choices.getFirst();
        if (!choices.contains(given)) {
            f.problems.at(m.get(key), prefix + key, "a " + task.wire() + " command's " + key + " is "
                    + Fields.list(choices, "or") + ", not " + given);
            return choices.getFirst();
        }
        return given;
    }
}
