package dev.hearth.scheduler;

import java.time.Instant;
import java.util.List;

/**
 * Manual unloads (POST /api/models/{m}/unload) in the core: a serving model drains — no new
 * grants, the engine stops when its last lease is released (a request to a hung engine is told to
 * end) — and every unload asked is answered once the engine is gone. Part of {@link SchedulerCore}.
 */
final class Unloads {
    private final SchedulerCore core;
    private final Effects fx;

    Unloads(SchedulerCore core, Effects fx) {
        this.core = core;
        this.fx = fx;
    }

    /** Takes unload command {@code id}; true when the model's state changed so that others may load now. */
    boolean command(long id, ModelSlot s, Instant now) {
        switch (s.state()) {
            case UNLOADED -> fx.unloaded(id, new UnloadResult("unloaded", s.name(), 0));
            case FAILED -> { // nothing runs; clear the backoff so a new request starts it at once
                s.moveTo(ModelState.UNLOADED);
                s.failures = 0;
                s.nextStartAt = null;
                fx.unloaded(id, new UnloadResult("unloaded", s.name(), 0));
                return true;
            }
            case UNLOADING -> s.unloadReplies.add(id);
            case ASLEEP -> { // (10) its process lives on: end it
                s.unloadReplies.add(id);
                core.stop(s, StopReason.MANUAL, null, now);
            }
            case SLEEPING -> { // (10) stopped once asleep: the sleep call must return first
                s.unloadReplies.add(id);
                s.pendingStop = s.pendingStop != null ? s.pendingStop : StopReason.MANUAL;
            }
            case LOADING, READY, BUSY -> { // LOADING: stop() must wait for start() to return
                s.unloadReplies.add(id);
                s.pendingStop = s.pendingStop != null ? s.pendingStop : StopReason.MANUAL;
                if (s.state() != ModelState.LOADING && s.leases.isEmpty()) {
                    core.stop(s, s.pendingStop, null, now);
                } else if (!s.leases.isEmpty()) { // a request to a hung engine must not hold the unload
                    fx.revoke(s.name(), List.copyOf(s.leases), StopReason.MANUAL);
                }
            }
        }
        return false;
    }

    /** The engine is gone (stopped, crashed or never started): every unload asked hears so. */
    void answer(ModelSlot s, long freed) {
        for (long id : s.unloadReplies) {
            fx.unloaded(id, new UnloadResult("unloaded", s.name(), freed));
        }
        s.unloadReplies.clear();
        s.pendingStop = null;
    }
}
