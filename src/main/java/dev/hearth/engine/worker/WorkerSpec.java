package dev.hearth.engine.worker;

import dev.hearth.engine.process.ChildSpec;

import java.time.Duration;
import java.util.Objects;

/**
 * How to launch one worker process (DESIGN.md "Worker protocol").
 *
 * @param child        the command, env, cwd, timeouts and log file (the worker's stderr); its
 *                     {@code startTimeout} counts protocol messages as signs of life too, and its
 *                     {@code stopGrace} applies after {@code shutdown} and again between SIGTERM and SIGKILL
 * @param stallTimeout how long a worker may send no message during a job before it is killed
 * @param cancelGrace  how long a worker may take to answer {@code cancel} before it is killed
 */
public record WorkerSpec(ChildSpec child, Duration stallTimeout, Duration cancelGrace) {

    public WorkerSpec {
        Objects.requireNonNull(child, "child");
        ChildSpec.requirePositive(child.model(), "stallTimeout", stallTimeout);
        ChildSpec.requirePositive(child.model(), "cancelGrace", cancelGrace);
    }

    public String model() { return child.model(); }
}
