package dev.hearth;

/**
 * A model's queue is full, of requests waiting for it or of jobs queued for it: 429 with
 * Retry-After. Built by {@link #requests} or {@link #jobs}, which word the refusal for each.
 */
public final class QueueFullException extends HearthException {
    /** Retry-After for a full job queue when there is no estimate of when a place frees. */
    public static final long DEFAULT_JOB_RETRY_AFTER_SECONDS = 30;

    private final String model;
    private final long retryAfter;

    private QueueFullException(String model, String message, long retryAfterSeconds) {
        super(429, "rate_limit_error", "queue_full", message);
        this.model = model;
        this.retryAfter = retryAfterSeconds;
    }

    /** {@code maxQueue} requests already wait for the model. */
    public static QueueFullException requests(String model, int maxQueue, long retryAfterSeconds) {
        return new QueueFullException(model, "Model '" + model + "' has " + maxQueue
                + " requests waiting already (max_queue); retry later.", retryAfterSeconds);
    }

    /** {@code maxQueue} jobs are already queued for the model. */
    public static QueueFullException jobs(String model, int maxQueue, long retryAfterSeconds) {
        return new QueueFullException(model, "Model '" + model + "' has " + maxQueue
                + " jobs queued already (max_queue); retry later.", retryAfterSeconds);
    }

    /** The model whose queue is full. */
    public String model() { return model; }

    @Override
    public long retryAfterSeconds() { return retryAfter; }

    /** A refusal under load, not a bug: a 429 storm must not pay for a stack trace each. */
    @Override
    public synchronized Throwable fillInStackTrace() { return this; }
}
