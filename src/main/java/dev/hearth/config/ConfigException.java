package dev.hearth.config;

import java.util.List;

/**
 * A configuration Hearth refuses to start with. The message is a summary line
 * ("3 problems in hearth.yaml") followed by one problem a line, each with file, line, key and
 * what was expected, so that the user can fix them all before trying again.
 */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    ConfigException(String summary, List<String> problems) {
        super(summary + "\n" + String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in file order (environment problems after the file's). */
    public List<String> problems() { return problems; }
}
