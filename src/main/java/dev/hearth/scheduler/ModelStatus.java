package dev.hearth.scheduler;

import java.time.Instant;

/**
 * What /info, /api/models and /v1/models show of one model.
 *
 * @param lastUsed  when the last lease was released, or null
 * @param lastError why the last load failed or the engine died, or null
 */
public record ModelStatus(
        String name,
        ModelState state,
        long memoryBytes,
        int inFlight,
        int queued,
        Instant loadedAt,
        Instant lastUsed,
        String lastError) {
}
