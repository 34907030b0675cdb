package dev.hearth.scheduler;

import java.time.Instant;

/**
 * What /info, /api/models and /v1/models show of one model.
 *
 * @param memoryBytes   what it takes from the budget: measured, else declared (rule 8)
 * @param lastUsed      when the last lease was released, or null
 * @param lastError     why the last load failed or the engine died, or null
 * @param declaredBytes its {@code memory:}, or null when it declares none
 * @param measuredBytes the peak footprint measured of its engine, or null before any
 * @param measuredBy    {@code gpu} or {@code rss}, or null
 * @param devices       the devices it holds memory on (rule 9): GPU indexes, or [0] for the one pool
 * @param loadingSince  when its load (or wake) began, while it is loading; else null
 * @param lastLoad      how long its last load took, or null before any: the next load's ETA
 * @param pinned        never evicted to make room (its config, or POST /api/models/{m}/pin since)
 */
public record ModelStatus(
        String name,
        ModelState state,
        long memoryBytes,
        int inFlight,
        int queued,
        Instant loadedAt,
        Instant lastUsed,
        String lastError,
        Long declaredBytes,
        Long measuredBytes,
        String measuredBy,
        java.util.List<Integer> devices,
        Instant loadingSince,
        java.time.Duration lastLoad,
        boolean pinned) {

    /**
     * Seconds until the model is likely ready: its last load's duration, less what the load under
     * way took so far; null before Hearth has seen it load.
     */
    public Long etaSeconds(Instant now) {
        return eta(lastLoad, loadingSince, now);
    }

    static Long eta(java.time.Duration lastLoad, Instant loadingSince, Instant now) {
        if (lastLoad == null) return null;
        java.time.Duration done = loadingSince == null ? java.time.Duration.ZERO
                : java.time.Duration.between(loadingSince, now);
        return Math.max(0, lastLoad.minus(done).toSeconds());
    }

    public ModelStatus(String name, ModelState state, long memoryBytes, int inFlight, int queued, Instant loadedAt,
                       Instant lastUsed, String lastError) {
        this(name, state, memoryBytes, inFlight, queued, loadedAt, lastUsed, lastError, memoryBytes, null, null,
                java.util.List.of(), null, null, false);
    }
}
