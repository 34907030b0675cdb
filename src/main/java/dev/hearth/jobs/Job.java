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
 * Related columns travel together as small records, each never null ({@code NONE} when unset).
 *
 * @param params         the model's parameters after dialect mapping and defaults, parsed once
 * @param inputs         input name (e.g. {@code image}) → stored absolute path
 * @param priority       higher runs first; FIFO within a priority
 * @param lease          the node running it and until when, while running or cancelling
 * @param originalPrompt the user's prompt when the prompt enhancer rewrote {@code prompt}; else null
 * @param owner          the name of the API key that made it; null when Hearth has no keys
 */
public record Job(
        String id, String model, String task, Dialect dialect, Params params, Map<String, String> inputs,
        int priority, JobState state, Attempts attempts, Progress progress, Failure failure, Times times,
        Lease lease, long version, String prompt, String originalPrompt, List<JobOutput> outputs, String owner) {
    /** Job changes on the event bus, keyed by the job's id; published only by {@code JobTransitions}. */
    public static final Topic<Job> TOPIC = new Topic<>("job", Job.class);

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] URL_SAFE =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    /**
     * @param count attempts lost so far (a lease expired, a worker crashed); the job fails at {@code max}
     */
    public record Attempts(int count, int max) {
        public Attempts {
            if (max < 1) throw new IllegalArgumentException("maxAttempts must be at least 1: " + max);
        }

        /** One more attempt lost. */
        public Attempts lost() { return new Attempts(count + 1, max); }
    }

    /**
     * What the worker last reported.
     *
     * @param fraction 0..1; {@code step}/{@code steps} are 0 when the worker does not report them
     */
    public record Progress(double fraction, String stage, int step, int steps) {
        public static final Progress NONE = new Progress(0, null, 0, 0);

        /** All done, at the stage and step last reported. */
        public Progress complete() { return new Progress(1, stage, step, steps); }
    }

    /** Why a job failed (or was cancelled with a reason); both null when it did not. */
    public record Failure(String code, String message) {
        public static final Failure NONE = new Failure(null, null);

        public boolean none() { return code == null && message == null; }
    }

    /** Kept to the millisecond, as the database stores them; {@code started}/{@code finished} null until then. */
    public record Times(Instant created, Instant started, Instant finished, Instant updated) {
        public Times {
            Objects.requireNonNull(created, "created");
        }

        /** A new job's: created and updated at {@code t}. */
        public static Times created(Instant t) { return new Times(t, null, null, t); }

        public Times updated(Instant at) { return new Times(created, started, finished, at); }
    }

    /** The node holding the job and until when it holds it without a heartbeat; NONE when not leased. */
    public record Lease(String owner, Instant expiresAt) {
        public static final Lease NONE = new Lease(null, null);
    }

    public Job {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(attempts, "attempts");
        Objects.requireNonNull(times, "times");
        params = params == null ? Params.EMPTY : params;
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        progress = progress == null ? Progress.NONE : progress;
        failure = failure == null ? Failure.NONE : failure;
        lease = lease == null ? Lease.NONE : lease;
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
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
        return new Job(newId(), model, task, dialect, Params.parse(params), inputs, priority, JobState.QUEUED,
                new Attempts(0, maxAttempts), Progress.NONE, Failure.NONE,
                Times.created(now.truncatedTo(ChronoUnit.MILLIS)), Lease.NONE, 0, prompt, null, List.of(), null);
    }

    public Job withError(String code, String message) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress,
                new Failure(code, message), times, lease, version, prompt, originalPrompt, outputs, owner);
    }

    public Job withProgress(Progress progress) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                lease, version, prompt, originalPrompt, outputs, owner);
    }

    /** The enhancer's rewrite; the first original prompt is kept however often this is called. */
    public Job withEnhancedPrompt(String enhanced) {
        String original = originalPrompt != null ? originalPrompt : prompt;
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                lease, version, enhanced, original, outputs, owner);
    }

    public Job withAttempts(Attempts attempts) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                lease, version, prompt, originalPrompt, outputs, owner);
    }

    public Job withParams(Params params) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                lease, version, prompt, originalPrompt, outputs, owner);
    }

    /** The stored input files, known only once the job's id has named their directory. */
    public Job withInputs(Map<String, String> inputs) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                lease, version, prompt, originalPrompt, outputs, owner);
    }

    /** The API key's name that made it (set once, on submit). */
    public Job withOwner(String owner) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                lease, version, prompt, originalPrompt, outputs, owner);
    }

    /** The lease renewed until {@code expiresAt} (the store's heartbeat). */
    public Job withLeaseUntil(Instant expiresAt) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                new Lease(lease.owner(), expiresAt), version, prompt, originalPrompt, outputs, owner);
    }

    /** The job as the store wrote it at {@code at}, with {@code version}: a write computed, not read back. */
    public Job written(Instant at, long version) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure,
                times.updated(at.truncatedTo(ChronoUnit.MILLIS)), lease, version, prompt, originalPrompt, outputs,
                owner);
    }

    /** Used by the store to attach the outputs table's rows. */
    public Job withOutputs(List<JobOutput> outputs) {
        return new Job(id, model, task, dialect, params, inputs, priority, state, attempts, progress, failure, times,
                lease, version, prompt, originalPrompt, outputs, owner);
    }
}
