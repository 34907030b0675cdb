package dev.hearth.engine;

import dev.hearth.config.ModelSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to launch one OpenAI-compatible server as a child process.
 *
 * @param model        the model it serves, for messages and the log file
 * @param argv         the command; {@code ${PORT}} is replaced by the port picked at each start
 * @param env          extra environment on top of Hearth's; values may contain {@code ${PORT}}
 * @param cwd          working directory, or null for Hearth's own
 * @param healthPath   polled until it answers 200; a 404 there falls back to {@code /v1/models}
 * @param startTimeout how long the child may stay silent (no log line) before it is given up on
 * @param stopGrace    time between SIGTERM and SIGKILL
 * @param logFile      where the child's output is appended (rotated by size), or null for none
 */
public record ProcessSpec(
        String model,
        List<String> argv,
        Map<String, String> env,
        Path cwd,
        String healthPath,
        Duration startTimeout,
        Duration stopGrace,
        Path logFile) {

    /** The placeholder replaced by the child's port in argv and env values. */
    public static final String PORT = "${PORT}";

    public ProcessSpec {
        Objects.requireNonNull(model, "model");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("model '" + model + "': empty command");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        Objects.requireNonNull(healthPath, "healthPath");
        if (!healthPath.startsWith("/")) {
            throw new IllegalArgumentException("model '" + model + "': health path must start with '/': " + healthPath);
        }
        requirePositive(model, "startTimeout", startTimeout);
        requirePositive(model, "stopGrace", stopGrace);
    }

    /**
     * A command line from hearth.yaml, run by {@code /bin/sh}. For a single command the {@code exec}
     * makes the server replace the shell, so the process Hearth signals is the server itself. A
     * compound command ({@code a; b}, {@code a && b}, pipes) runs as written: "exec a; b" would end
     * after {@code a} with a's exit code. Its server is still stopped, as a descendant of the shell.
     */
    public static List<String> shell(String cmd) {
        return List.of("/bin/sh", "-c", COMPOUND.matcher(cmd).find() ? cmd : "exec " + cmd);
    }

    private static final java.util.regex.Pattern COMPOUND = java.util.regex.Pattern.compile("[;&|\\n]");

    /**
     * The spec of a {@code process} model from its configuration: {@code ${MODEL}} in the command
     * becomes the model's name; the output goes to {@code <logDir>/<model>.log}.
     */
    public static ProcessSpec of(ModelSpec m, Path logDir) {
        if (m.cmd() == null || m.cmd().isBlank()) {
            throw new IllegalArgumentException("model '" + m.name() + "': engine 'process' needs 'cmd'");
        }
        return new ProcessSpec(
                m.name(),
                shell(m.cmd().replace("${MODEL}", m.name())),
                m.env(),
                m.cwd(),
                m.health() == null ? "/health" : m.health(),
                m.startTimeout(),
                m.stopGrace(),
                logDir == null ? null : logDir.resolve(m.name() + ".log"));
    }

    /** argv with {@code ${PORT}} replaced. */
    List<String> argvFor(int port) {
        return argv.stream().map(a -> a.replace(PORT, Integer.toString(port))).toList();
    }

    /** env with {@code ${PORT}} replaced in the values. */
    Map<String, String> envFor(int port) {
        var out = new java.util.LinkedHashMap<String, String>();
        env.forEach((k, v) -> out.put(k, v.replace(PORT, Integer.toString(port))));
        return out;
    }

    private static void requirePositive(String model, String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("model '" + model + "': " + field + " must be positive, was " + d);
        }
    }
}
