package dev.hearth.jobs;

import dev.hearth.HearthException;

/** The model already has {@code max_queue} queued jobs: 429 with Retry-After. */
public final class JobQueueFullException extends HearthException {
    /** Used when the caller has no estimate; the API may rethrow with one from the model's ETA. */
    public static final long DEFAULT_RETRY_AFTER_SECONDS = 30;

    private final long retryAfter;

    public JobQueueFullException(String model, int maxQueue, long retryAfterSeconds) {
        super(429, "rate_limit_error", "queue_full",
                "Model '" + model + "' has " + maxQueue + " jobs queued already (max_queue); retry later.");
        this.retryAfter = retryAfterSeconds;
    }

    @Override
    public long retryAfterSeconds() { return retryAfter; }
}
