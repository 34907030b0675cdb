package dev.hearth.engine;

import dev.hearth.catalog.CommandSettings;

import java.nio.file.Path;
import java.util.Map;

/** A {@code command} engine as the API sees it: one run of its command per request. */
public interface CommandRunner {

    /** The model's command settings: what the command reads and writes. */
    CommandSettings settings();

    /**
     * Runs the command once on {@code input} and returns the file holding its output (what it wrote
     * to {@code ${OUTPUT}}, else its stdout), inside {@code workDir}, which the caller owns and deletes.
     *
     * @param values the request's placeholders ({@code LANGUAGE}, {@code VOICE}, {@code SPEED},
     *               {@code PROMPT}), each already checked; {@code INPUT} and {@code OUTPUT} are filled in here
     * @throws dev.hearth.EngineException when the command fails or writes nothing (502)
     * @param cancel completes when the run's answer is no longer wanted (the client went away): its
     *               process tree is killed and the run ends with a {@link java.util.concurrent.CancellationException}
     * @throws CommandTimeoutException when it outlives the model's run_timeout; its process tree is killed (504)
     */
    Path run(Path workDir, Path input, Map<String, String> values, java.util.concurrent.CompletableFuture<?> cancel);
}
