package dev.hearth.engine;

import dev.hearth.EngineException;
import java.util.concurrent.CompletableFuture;

/**
 * One loaded (or loadable) model runtime. The scheduler owns its lifecycle: it calls
 * {@link #start()} and {@link #stop()} from one thread at a time and never both at once.
 * Both calls block; the scheduler runs them off its own thread.
 */
public interface Engine {

    /** The model this engine serves. */
    String model();

    /**
     * Starts the engine and returns once it is ready to serve.
     *
     * @throws EngineException when it cannot start; the message carries the engine's last log lines
     */
    void start() throws EngineException;

    /** Stops the engine and returns once it is gone and its memory is free. Idempotent. */
    void stop();

    /**
     * Completes when a started engine exits without being asked to, with a reason a user can read
     * (exit code, last log lines). Never completes for a clean {@link #stop()}.
     */
    CompletableFuture<String> crashed();

    /** How the engine is reached while it runs; {@link Endpoint.Down} when it does not. */
    Endpoint endpoint();

    /** Recent log lines of this engine (empty for in-JVM engines that log nothing). */
    LogBuffer logs();

    /**
     * The engine's own process while it runs, whose tree's memory is its footprint (scheduler
     * rule 8); empty for engines in Hearth's JVM or on another machine.
     */
    default java.util.OptionalLong pid() { return java.util.OptionalLong.empty(); }

    /**
     * (Rule 10) Puts the running engine to sleep at {@code level}, freeing its GPU memory while its
     * process lives on; returns once it is asleep. Only engines whose server has a sleep mode can.
     *
     * @throws EngineException when it cannot; the scheduler then stops it instead
     */
    default void sleep(int level) throws EngineException {
        throw new EngineException("The engine of model '" + model() + "' has no sleep mode.");
    }

    /** (Rule 10) Wakes a sleeping engine; returns once it serves again. */
    default void wake() throws EngineException {
        throw new EngineException("The engine of model '" + model() + "' has no sleep mode.");
    }
}
