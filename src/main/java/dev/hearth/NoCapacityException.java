package dev.hearth;

/** The request waited its queue timeout without the model becoming available: 503 with Retry-After. */
public final class NoCapacityException extends HearthException {
    private final long retryAfter;

    public NoCapacityException(String message, long retryAfterSeconds) {
        super(503, "service_unavailable", "no_capacity", message);
        this.retryAfter = retryAfterSeconds;
    }

    @Override
    public long retryAfterSeconds() { return retryAfter; }
}
