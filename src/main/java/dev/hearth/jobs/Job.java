package dev.hearth.jobs;

import dev.hearth.observe.Topic;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A job as stored. Immutable: a change is a new record handed to
 * {@code JobStore.transition(…, mutation, …)}, which alone changes {@code state} and {@code version}.
 *
 * @param params         the model's parameters after dialect mapping and defaults, parsed once
 * @param inputs         input name (e.g. {@code image}) → stored absolute path
 * @param priority       higher runs first; FIFO within a priority
 * @param attempts       attempts lost so far (lease expired); the reaper fails the job at {@code maxAttempts}
 * @param progress       0..1; {@code step}/{@code steps} are 0 when the worker does not report them
 * @param leaseOwner     the node running it, while running or cancelling
 * @param originalPrompt the user's prompt when the prompt enhancer rewrote {@code prompt}; else null
 * @param owner          the name of the API key that made it; null when Hearth has no keys
 */
public record Job(
        String id, String model, String task, Dialect dialect, Params params, Map<String, String> inputs,
        int priority, JobState state, int attempts, int maxAttempts,
        double progress, String stage, int step, int steps,
        String errorCode, String errorMessage,
        Instant createdAt, Instant startedAt, Instant finishedAt, Instant updatedAt,
        String leaseOwner, Instant leaseExpiresAt, long version,
        String prompt, String originalPrompt, List<JobOutput> outputs, String owner) {
    /** Job changes on the event bus, keyed by the job's id; published only by {@code JobTransitions}. */
    public static final Topic<Job> TOPIC = new Topic<>("job", Job.class);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] URL_SAFE =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
        params = params == null ? Params.EMPTY : params;
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }

    /** {@code j_} + 20 url-safe random characters (120 bits): unguessable, so ids can be shared. */
    public static String newId() {
        char[] c = new char[20];
        for (int i = 0; i < c.length; i++) c[i] = URL_SAFE[RANDOM.nextInt(URL_SAFE.length)];
        return "j_" + new String(c);
    }

    /**
     * A new queued job. Times are kept to the millisecond because that is what the database
     * stores, so a job reads back equal to what was inserted.
     */
    public static Job create(String model, String task, Dialect dialect, String params, Map<String, String> inputs,
                             int priority, int maxAttempts, String prompt, Instant now) {
        Instant t = now.truncatedTo(ChronoUnit.MILLIS);
        return new Job(newId(), model, task, dialect, Params.parse(params), inputs, priority, JobState.QUEUED, 0, maxAttempts,
                0, null, 0, 0, null, null, t, null, null, t, null, null, 0, prompt, null, List.of(), null);
    }

    public Job withError(String code, String message) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, code, message, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, prompt, originalPrompt, outputs, owner);
    }

    public Job withProgress(double progress, String stage, int step, int steps) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, prompt, originalPrompt, outputs, owner);
    }

    /** The enhancer's rewrite; the first original prompt is kept however often this is called. */
    public Job withEnhancedPrompt(String enhanced) {
        String original = originalPrompt != null ? originalPrompt : prompt;
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, enhanced, original, outputs, owner);
    }

    public Job withAttempts(int attempts) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, prompt, originalPrompt, outputs, owner);
    }

    public Job withParams(Params params) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, prompt, originalPrompt, outputs, owner);
    }

    /** The stored input files, known only once the job's id has named their directory. */
    public Job withInputs(Map<String, String> inputs) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, prompt, originalPrompt, outputs, owner);
    }

    /** The API key's name that made it (set once, on submit). */
    public Job withOwner(String owner) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, prompt, originalPrompt, outputs, owner);
    }

    /** The lease renewed until {@code expiresAt} (the store's heartbeat). */
    public Job withLeaseUntil(Instant expiresAt) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, expiresAt, version, prompt, originalPrompt, outputs, owner);
    }

    /** The job as the store wrote it at {@code at}, with {@code version}: a write computed, not read back. */
    public Job written(Instant at, long version) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt,
                at.truncatedTo(ChronoUnit.MILLIS), leaseOwner, leaseExpiresAt, version, prompt, originalPrompt,
                outputs, owner);
    }

    /** Used by the store to attach the outputs table's rows. */
    public Job withOutputs(List<JobOutput> outputs) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, maxAttempts,
                progress, stage, step, steps, errorCode, errorMessage, createdAt, startedAt, finishedAt, updatedAt,
                leaseOwner, leaseExpiresAt, version, prompt, originalPrompt, outputs, owner);
    }
}
