package dev.hearth.scheduler;

/** The model's wait queue is full: 429 with Retry-After. */
public final class QueueFullException extends SchedulerException {
    private final long retryAfter;

    public QueueFullException(String model, int maxQueue, long retryAfterSeconds) {
        super(429, "rate_limit_error", "queue_full",
                "Model '" + model + "' has " + maxQueue + " requests waiting already (max_queue); retry later.");
        this.retryAfter = retryAfterSeconds;
    }

    @Override
    public long retryAfterSeconds() { return retryAfter; }

    /** A refusal under load, not a bug: a 429 storm must not pay for a stack trace each. */
    @Override
    public synchronized Throwable fillInStackTrace() { return this; }
}
