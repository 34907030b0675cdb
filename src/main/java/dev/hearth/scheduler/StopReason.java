package dev.hearth.scheduler;

import java.util.Locale;

/** Why the scheduler stopped an engine; a label on events and metrics. */
public enum StopReason {
    /** Idle for its idle_unload TTL (rule 4). */
    IDLE,
    /** Evicted, least recently used first, to make room for another model (rule 3). */
    EVICTED,
    /** Evicted because exclusive mode allows one loaded model and another one is wanted. */
    EXCLUSIVE,
    /** POST /api/models/{m}/unload. */
    MANUAL,
    /** Hearth is shutting down. */
    SHUTDOWN;

    public String wire() { return name().toLowerCase(Locale.ROOT); }
}
