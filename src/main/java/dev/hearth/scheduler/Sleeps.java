package dev.hearth.scheduler;

import dev.hearth.scheduler.ModelEvent.Type;

import java.time.Instant;

/**
 * Rule 10 in the core: engines that can sleep (vLLM's sleep mode) are put to sleep instead of
 * stopped when their memory is needed, and woken instead of started. Part of {@link SchedulerCore}:
 * same thread, same slots; states move only through {@link ModelSlot#moveTo}.
 */
final class Sleeps {
    private final SchedulerCore core;
    private final Budget budget;
    private final Effects fx;

    Sleeps(SchedulerCore core, Budget budget, Effects fx) {
        this.core = core;
        this.budget = budget;
        this.fx = fx;
    }

    /** Puts a ready model that can sleep to sleep, at the level that frees its memory here; false when it cannot. */
    boolean sleep(ModelSlot s, StopReason reason, String detail, Instant now) {
        if (s.sleepLevel <= 0 || s.state() != ModelState.READY) return false;
        int level = budget.sleepLevel(s);
        s.moveTo(ModelState.SLEEPING);
        s.drainingFor = null;
        s.stopping = reason;
        fx.publish(s.event(Type.SLEEPING, reason, (detail == null ? "" : detail + "; ") + "sleep level " + level, now));
        fx.sleepEngine(s.name(), level);
        return true;
    }

    /** The engine is asleep; an unload asked meanwhile ends it now. False when the event is stale. */
    boolean asleep(ModelSlot s, Instant now) {
        if (s == null || s.state() != ModelState.SLEEPING) return false;
        s.moveTo(ModelState.ASLEEP);
        fx.publish(s.event(Type.ASLEEP, s.stopping, null, now));
        s.stopping = null;
        if (s.pendingStop != null) core.stop(s, s.pendingStop, null, now);
        return true;
    }

    /** Wakes an asleep model where its process is; false when it is not asleep (it starts instead). */
    boolean wake(ModelSlot s, Instant now) {
        if (s.state() != ModelState.ASLEEP) return false;
        s.moveTo(ModelState.LOADING);
        s.loadedAt = null;
        s.starting();
        fx.publish(s.event(Type.LOADING, null, "waking from sleep", now));
        fx.wakeEngine(s.name());
        return true;
    }
}
