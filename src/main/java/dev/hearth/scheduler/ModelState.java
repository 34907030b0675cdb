package dev.hearth.scheduler;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A model's lifecycle (DESIGN.md, scheduler rule 1). BUSY is READY with requests in flight.
 *
 * <p>Every change goes through {@link #canMoveTo}: the one owner of a model's state (the scheduler
 * thread) checks this table before moving, so an impossible path is a bug that fails loudly.
 */
public enum ModelState {
    UNLOADED, LOADING, READY, BUSY, UNLOADING, FAILED,
    /** (10) Being put to sleep ({@code POST /sleep}): its memory still counts until it is asleep. */
    SLEEPING,
    /** (10) Asleep: its process lives on, its memory is free; waking it (LOADING) is faster than a start. */
    ASLEEP;

    /**
     * Allowed moves. LOADING cannot go to UNLOADING: {@link dev.hearth.engine.Engine} never runs
     * start() and stop() at once, so an unload asked during a load waits for the load to end.
     * BUSY goes to UNLOADING only at shutdown (a manual unload drains to READY first).
     * UNLOADING ends in UNLOADED only: a crash while stopping is still a stop. A sleep that fails
     * stops the engine (SLEEPING → UNLOADING); waking is a load (ASLEEP → LOADING).
     */
    private static final Map<ModelState, Set<ModelState>> NEXT = Map.of(
            UNLOADED, EnumSet.of(LOADING),
            LOADING, EnumSet.of(READY, FAILED),
            READY, EnumSet.of(BUSY, UNLOADING, FAILED, SLEEPING),
            BUSY, EnumSet.of(READY, UNLOADING, FAILED),
            UNLOADING, EnumSet.of(UNLOADED),
            FAILED, EnumSet.of(LOADING, UNLOADED),
            SLEEPING, EnumSet.of(ASLEEP, UNLOADING, FAILED),
            ASLEEP, EnumSet.of(LOADING, UNLOADING, FAILED));

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** Whether the transition table allows moving from this state to {@code next}. */
    public boolean canMoveTo(ModelState next) {
        return NEXT.get(this).contains(next);
    }

    /** Whether the model's engine process exists and its memory counts against the budget. */
    public boolean holdsMemory() {
        return this == LOADING || this == READY || this == BUSY || this == UNLOADING || this == SLEEPING;
    }

    /** Whether the model's engine process exists (asleep included): a crash or a stop concerns it. */
    public boolean processAlive() {
        return holdsMemory() || this == ASLEEP;
    }

    /** Whether leases can be granted in this state. */
    public boolean serving() {
        return this == READY || this == BUSY;
    }
}
