package dev.hearth.engine.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to launch one engine child, whatever it speaks (an HTTP server, the worker protocol): what
 * {@code ProcessSpec} and {@code WorkerSpec} share, validated once here.
 *
 * @param model        the model it serves, for messages and the log file
 * @param argv         the command
 * @param env          extra environment on top of Hearth's
 * @param cwd          working directory, or null for Hearth's own
 * @param startTimeout how long the child may stay silent (no log line) before it is given up on
 * @param stopGrace    time between SIGTERM and SIGKILL (a worker also waits this long after {@code shutdown})
 * @param logFile      where the child's log is appended (rotated by size), or null for none
 */
public record ChildSpec(
        String model,
        List<String> argv,
        Map<String, String> env,
        Path cwd,
        Duration startTimeout,
        Duration stopGrace,
        Path logFile) {

    public ChildSpec {
        Objects.requireNonNull(model, "model");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("model '" + model + "': empty command");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        requirePositive(model, "startTimeout", startTimeout);
        requirePositive(model, "stopGrace", stopGrace);
    }

    /** This spec with one more environment entry (the {@code Leftovers} mark, say). */
    public ChildSpec withEnv(String key, String value) {
        var more = new LinkedHashMap<>(env);
        more.put(key, value);
        return new ChildSpec(model, argv, more, cwd, startTimeout, stopGrace, logFile);
    }

    /** This spec with {@code placeholder} replaced in argv and in env values (a port picked at start). */
    public ChildSpec replacing(String placeholder, String value) {
        var replaced = new LinkedHashMap<String, String>();
        env.forEach((k, v) -> replaced.put(k, v.replace(placeholder, value)));
        return new ChildSpec(model, argv.stream().map(a -> a.replace(placeholder, value)).toList(), replaced, cwd,
                startTimeout, stopGrace, logFile);
    }

    /** The check every duration of an engine's spec passes, worded with the model's name. */
    public static void requirePositive(String model, String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("model '" + model + "': " + field + " must be positive, was " + d);
        }
    }
}
