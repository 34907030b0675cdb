package dev.hearth.engine.worker;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to launch one worker process (DESIGN.md "Worker protocol").
 *
 * @param model        the model it serves, for messages and the log file
 * @param argv         the command
 * @param env          extra environment on top of Hearth's
 * @param cwd          working directory, or null for Hearth's own
 * @param startTimeout how long the worker may stay silent (no log line, no message) before ready
 * @param stopGrace    after {@code shutdown}, and again between SIGTERM and SIGKILL
 * @param stallTimeout how long a worker may send no message during a job before it is killed
 * @param cancelGrace  how long a worker may take to answer {@code cancel} before it is killed
 * @param logFile      where the worker's stderr is appended (rotated by size), or null for none
 */
public record WorkerSpec(
        String model,
        List<String> argv,
        Map<String, String> env,
        Path cwd,
        Duration startTimeout,
        Duration stopGrace,
        Duration stallTimeout,
        Duration cancelGrace,
        Path logFile) {

    public WorkerSpec {
        Objects.requireNonNull(model, "model");
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("model '" + model + "': empty command");
        }
        env = env == null ? Map.of() : Map.copyOf(env);
        requirePositive(model, "startTimeout", startTimeout);
        requirePositive(model, "stopGrace", stopGrace);
        requirePositive(model, "stallTimeout", stallTimeout);
        requirePositive(model, "cancelGrace", cancelGrace);
    }

    private static void requirePositive(String model, String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("model '" + model + "': " + field + " must be positive, was " + d);
        }
    }
}
