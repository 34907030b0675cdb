package dev.hearth;

/**
 * The request waited its queue timeout without the model becoming available: 503 with Retry-After,
 * and, when the model was not loaded, what it was doing: {@code "loading": {"state", "elapsed_s",
 * "eta_s"}} in the error object.
 */
public final class NoCapacityException extends HearthException {
    private final long retryAfter;
    private final Loading loading;

    /**
     * Where a cold model was when a request gave up on it.
     *
     * @param state    the model's state (unloaded, loading, failed, asleep…)
     * @param elapsedS how long the request waited
     * @param etaS     seconds until it is likely ready (its last load's duration, less what this one
     *                 took so far), or null when Hearth has not seen it load yet
     */
    public record Loading(String state, long elapsedS, Long etaS) {}

    public NoCapacityException(String message, long retryAfterSeconds) {
        this(message, retryAfterSeconds, null);
    }

    public NoCapacityException(String message, long retryAfterSeconds, Loading loading) {
        super(503, "service_unavailable", "no_capacity", message);
        this.retryAfter = retryAfterSeconds;
        this.loading = loading;
    }

    @Override
    public long retryAfterSeconds() { return retryAfter; }

    @Override
    public java.util.Map<String, Object> details() {
        if (loading == null) return java.util.Map.of();
        java.util.Map<String, Object> l = new java.util.LinkedHashMap<>();
        l.put("state", loading.state());
        l.put("elapsed_s", loading.elapsedS());
        l.put("eta_s", loading.etaS());
        return java.util.Map.of("loading", l);
    }
}
