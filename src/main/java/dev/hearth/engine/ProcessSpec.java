package dev.hearth.engine;

import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.process.ChildSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to launch one OpenAI-compatible server as a child process.
 *
 * @param child      the command, env, cwd, timeouts and log file; {@code ${PORT}} in argv and env
 *                   values is replaced by the port picked at each start
 * @param healthPath polled until it answers 200; a 404 there falls back to {@code /v1/models}
 */
public record ProcessSpec(ChildSpec child, String healthPath) {

    /** The placeholder replaced by the child's port in argv and env values. */
    public static final String PORT = "${PORT}";

    public ProcessSpec {
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(healthPath, "healthPath");
        if (!healthPath.startsWith("/")) {
            throw new IllegalArgumentException("model '" + child.model() + "': health path must start with '/': " + healthPath);
        }
    }

    public String model() { return child.model(); }

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
                new ChildSpec(m.name(), shell(m.cmd().replace("${MODEL}", m.name())), m.env(), m.cwd(),
                        m.startTimeout(), m.stopGrace(), logDir == null ? null : logDir.resolve(m.name() + ".log")),
                m.health() == null ? "/health" : m.health());
    }

    /** The child to launch on {@code port}: {@code ${PORT}} replaced in argv and env values. */
    ChildSpec forPort(int port) {
        return child.replacing(PORT, Integer.toString(port));
    }
}
