package dev.hearth.scheduler;

import dev.hearth.QueueFullException;
import dev.hearth.HearthException;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.EngineException;
import dev.hearth.scheduler.ModelEvent.Type;
import dev.hearth.scheduler.ModelSlot.Waiter;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's decisions, without threads or clocks (DESIGN.md "Scheduler rules").
 * Single-threaded by contract: one owner calls the On* methods one at a time, passing the time;
 * every side effect goes out through {@link Effects} and every answer comes back as an event.
 *
 * <ol>
 * <li>(1) State machine: unloaded → loading → ready ⇄ busy → unloading → unloaded, or failed
 *     with lastError. Only this class moves a state, through the transition table; events that
 *     do not fit the current state (a late onCrashed, a second onStopped) are ignored.</li>
 * <li>(2) Requests for a model that is not ready queue up; only the first causes a start. When it
 *     is ready the queue is granted first come first served, up to max_concurrency; the rest get
 *     leases as leases are released.</li>
 * <li>(3) A start needs the model's memory inside the budget: idle models (ready, no lease, not
 *     pinned) are evicted least recently used first, only as many as needed; memory of a stopping
 *     model is free only at onStopped. Otherwise the request waits in its bounded queue
 *     (full → 429 at once; waiting longer than queue_timeout → 503). A model larger than the
 *     whole budget fails at once. Every event that frees memory or a lease re-evaluates.</li>
 * <li>(4) A model with no lease for its idle TTL is unloaded at onTick; TTL zero = never.</li>
 * <li>(5) Readiness is the engine's: the core waits for onLoaded / onLoadFailed. A failed load
 *     fails all its waiters; repeated failures back off (1 s, 2 s … 60 s) before the next start.</li>
 * <li>(6) Stopping is the engine's: memory is counted free only at onStopped (or at onCrashed,
 *     when the process is already gone).</li>
 * <li>(7) Swap-aware ordering and (8) measured memory: see {@link Loads} and {@link Budget}.</li>
 * </ol>
 * Exclusive mode: at most one model holds memory. Manual unload drains: no new grants, the engine
 * stops when the last lease is released, and requests that arrived meanwhile reload it afterwards.
 * Queue timeout counts time waiting for memory, a lease or a backoff, not time spent loading
 * (the engine's start_timeout bounds that).
 */
final class SchedulerCore {

    private final Map<String, ModelSlot> slots = new LinkedHashMap<>();
    /** Waiting request or load command id → its model, so a cancel finds it. */
    private final Map<Long, ModelSlot> waiting = new HashMap<>();
    private final Budget budget;
    private final Effects fx;
    private final Loads loads;
    private final Sleeps sleeps;
    private final Unloads unloads;
    private boolean shuttingDown;

    SchedulerCore(HearthConfig config, long budgetBytes, Effects effects) {
        this(config, Device.pool(budgetBytes), effects);
    }

    /** @param devices the budget, device by device (rule 9) */
    SchedulerCore(HearthConfig config, List<Device> devices, Effects effects) {
        this.budget = new Budget(devices, config.server().exclusive(), config.server().spread());
        this.fx = effects;
        this.loads = new Loads(this, slots.values(), budget, effects);
        this.sleeps = new Sleeps(this, budget, effects);
        this.unloads = new Unloads(this, effects);
        for (ModelSpec spec : config.models().values()) {
            slots.put(spec.name(), new ModelSlot(spec, config.server()));
        }
    }

    // ---- requests and commands -------------------------------------------------------------

    void onRequest(long id, String model, Instant now) {
        onRequest(id, model, now, null);
    }

    /** @param demand what the request stands for (the job dispatcher's queued jobs), or null for itself */
    void onRequest(long id, String model, Instant now, Demand demand) {
        ModelSlot s = admit(id, model);
        if (s == null) {
            return;
        }
        if (s.acceptsGrants() && s.hasFreeLease() && s.queue.isEmpty()) {
            grant(s, id, now);
            return;
        }
        if (s.queue.size() >= s.queueLimit()) { // (3) bounded queue: refuse at once
            fx.fail(id, QueueFullException.requests(model, s.maxQueue, s.retryAfterSeconds(now)));
            return;
        }
        s.queue.addLast(demand == null ? new Waiter(id, now)
                : new Waiter(id, now, demand.oldest().isAfter(now) ? now : demand.oldest(), Math.max(1, demand.count())));
        waiting.put(id, s);
        dispatch(now);
    }

    void onLoadCommand(long id, String model, Instant now) {
        ModelSlot s = admit(id, model);
        if (s == null) {
            return;
        }
        if (s.acceptsGrants()) {
            fx.loaded(id, model);
            return;
        }
        s.loadWaiters.add(new Waiter(id, now));
        waiting.put(id, s);
        dispatch(now);
    }

    /** Drain then unload; see the class comment and {@link Unloads}. */
    void onUnloadCommand(long id, String model, Instant now) {
        ModelSlot s = slots.get(model);
        if (s == null) {
            fx.fail(id, new UnknownModelException(model));
        } else if (unloads.command(id, s, now)) {
            dispatch(now);
        }
    }

    void onCancel(long id, Instant now) {
        ModelSlot s = waiting.remove(id);
        if (s == null) {
            return; // already granted or failed: the owner handles a late cancel of a lease
        }
        s.queue.removeIf(w -> w.id() == id);
        s.loadWaiters.removeIf(w -> w.id() == id);
        dispatch(now); // a cancelled head of line may unblock another model
    }

    void onRelease(String model, long leaseId, Instant now) {
        ModelSlot s = slots.get(model);
        if (s == null || !s.leases.remove(leaseId)) {
            return; // lease from before a crash or a shutdown: its memory was counted free already
        }
        s.served(leaseId, now);
        s.lastUsed = now;
        if (s.leases.isEmpty()) {
            s.idleSince = now;
            s.moveTo(ModelState.READY);
            if (s.pendingStop != null) {
                stop(s, s.pendingStop, null, now);
            } else if (s.drainingFor != null && s.drainingFor.hasDemand()) { // (7) drained: make room now
                makeRoom(s, budget.exclusive() ? StopReason.EXCLUSIVE : StopReason.EVICTED,
                        "to make room for " + s.drainingFor.name(), now);
            }
        }
        dispatch(now);
    }

    // ---- engine events ---------------------------------------------------------------------

    void onLoaded(String model, Instant now) {
        ModelSlot s = slots.get(model);
        if (s == null || s.state() != ModelState.LOADING) {
            return;
        }
        s.moveTo(ModelState.READY);
        s.loadedAt = now;
        if (s.loadingSince != null) s.lastLoad = java.time.Duration.between(s.loadingSince, now);
        s.idleSince = now;
        s.lastError = null;
        fx.publish(s.event(Type.READY, null, null, now));
        // load commands hear of the load they waited for even when an unload came meanwhile: commands
        // apply in the order they came, and unloads that keep coming cannot starve a load forever
        answerLoadCommands(s);
        if (s.pendingStop != null) {
            stop(s, s.pendingStop, null, now);
        }
        dispatch(now);
    }

    void onLoadFailed(String model, String message, Instant now) {
        ModelSlot s = slots.get(model);
        if (s == null || s.state() != ModelState.LOADING) {
            return;
        }
        s.moveTo(ModelState.FAILED);
        s.recordFailure(message, false, now);
        fx.publish(s.event(Type.LOAD_FAILED, null, message, now));
        // (5) everyone who waited for this load hears why it failed; the next request retries
        failAllWaiters(s, new EngineException("Model '" + model + "' failed to load: " + message));
        answerUnloads(s, 0);
        dispatch(now);
    }

    void onStopped(String model, Instant now) {
        ModelSlot s = slots.get(model);
        if (s == null || s.state() != ModelState.UNLOADING) {
            return;
        }
        s.moveTo(ModelState.UNLOADED); // (6) only now is its memory free
        s.failures = 0;
        s.nextStartAt = null;
        fx.publish(s.event(Type.UNLOADED, s.stopping, null, now));
        s.stopping = null;
        answerUnloads(s, s.memory());
        dispatch(now); // requests that came during the stop reload it
    }

    void onCrashed(String model, String reason, Instant now) {
        ModelSlot s = slots.get(model);
        if (s == null || !(s.state().serving() || s.state() == ModelState.SLEEPING || s.state() == ModelState.ASLEEP)) {
            return; // a crash while loading arrives as onLoadFailed; while stopping it is a stop
        }
        s.moveTo(ModelState.FAILED); // the process is gone: its memory is free now
        s.drainingFor = null;
        s.recordFailure(reason, true, now);
        s.clearLeases();
        fx.publish(s.event(Type.CRASHED, null, reason, now));
        answerUnloads(s, s.memory());
        dispatch(now); // waiting requests reload it (after the backoff, if it keeps crashing)
    }

    /**
     * (8) The running engine's real footprint: its peak replaces the declared memory for every
     * later decision; a figure above the declared one is reported, and idle models are evicted
     * if the budget is now overcommitted.
     */
    /** @param whole the figure covers all the engine holds (else it may only raise its memory) */
    void onMeasured(String model, long bytes, String source, boolean whole, Instant now) {
        ModelSlot s = slots.get(model);
        if (s != null && s.state().serving() && bytes > 0) {
            loads.measured(s, bytes, source, whole, now);
            dispatch(now);
        }
    }

    /**
     * Pins the model (never evicted to make room) or unpins it, until Hearth restarts; unpinning
     * may let a waiting model load at once.
     */
    void onPin(long id, String model, boolean pinned, Instant now) {
        ModelSlot s = slots.get(model);
        if (s == null) {
            fx.fail(id, new UnknownModelException(model));
            return;
        }
        s.pinned = pinned;
        fx.pinned(id, s.status());
        dispatch(now);
    }

    // ---- time and shutdown -----------------------------------------------------------------

    void onTick(Instant now) {
        for (ModelSlot s : slots.values()) {
            expireWaiters(s, now);
            if (s.idleExpired(now)) { // (4)
                stop(s, StopReason.IDLE, "idle for " + Refusals.human(s.idleTtl), now);
            }
        }
        dispatch(now);
    }

    /** Refuses new work, fails what waits, stops every engine (loading ones once their start returns). */
    void onShutdown(Instant now) {
        shuttingDown = true;
        for (ModelSlot s : slots.values()) {
            failAllWaiters(s, Refusals.shuttingDown());
            if (s.state().serving() || s.state() == ModelState.ASLEEP) {
                if (!s.leases.isEmpty()) {
                    fx.revoke(s.name(), List.copyOf(s.leases), StopReason.SHUTDOWN);
                }
                stop(s, StopReason.SHUTDOWN, null, now);
            } else if (s.state() == ModelState.LOADING || s.state() == ModelState.SLEEPING) {
                s.pendingStop = StopReason.SHUTDOWN;
            }
        }
    }

    /** True once no engine process is left: loading, ready, busy, unloading, sleeping or asleep. */
    boolean allStopped() {
        return slots.values().stream().noneMatch(s -> s.state().processAlive());
    }

    List<ModelStatus> status() {
        return slots.values().stream().map(ModelSlot::status).toList();
    }

    long usedBytes() { return Budget.used(slots.values()); }

    /** After each event: which models would refuse a request at once, and for how long, for {@link #refusal}. */
    void publishAdmission(Instant now) {
        slots.values().forEach(s -> s.publishAdmission(shuttingDown, now));
    }

    /**
     * Any thread: the 429 a request for the model would get, as of the last event, or null. The
     * decision is the one onRequest makes, only ordered before events still in flight to the owner.
     */
    QueueFullException refusal(String model) {
        ModelSlot s = slots.get(model); // slots is never changed after construction: safe to read
        long retryAfter = s == null ? -1 : s.refusing;
        return retryAfter >= 0 ? QueueFullException.requests(model, s.maxQueue, retryAfter) : null;
    }

    long budgetBytes() { return budget.total(); }

    // ---- decisions -------------------------------------------------------------------------

    private ModelSlot admit(long id, String model) {
        ModelSlot s = slots.get(model);
        if (shuttingDown) {
            fx.fail(id, Refusals.shuttingDown());
        } else if (s == null) {
            fx.fail(id, new UnknownModelException(model));
        } else if (!budget.couldEverFit(s)) { // (3) it could never fit: waiting would not help
            fx.fail(id, Refusals.tooLarge(s, budget));
        } else {
            return s;
        }
        return null;
    }

    /** Re-evaluate after anything that changed memory, leases, waiters or time. */
    private void dispatch(Instant now) {
        for (ModelSlot s : slots.values()) {
            if (s.drainingFor != null && !s.drainingFor.hasDemand()) {
                s.drainingFor = null; // (7) the work it made room for is gone (served, cancelled, timed out)
            }
            grantWaiting(s, now);
        }
        if (!shuttingDown) loads.run(now);
    }

    /** (2) Answer load commands and grant queued requests FIFO, up to max_concurrency. */
    private void grantWaiting(ModelSlot s, Instant now) {
        if (!s.acceptsGrants()) {
            return;
        }
        answerLoadCommands(s);
        while (s.hasFreeLease() && !s.queue.isEmpty()) {
            Waiter w = s.queue.pollFirst();
            waiting.remove(w.id());
            grant(s, w.id(), now);
        }
    }

    private void answerLoadCommands(ModelSlot s) {
        for (Waiter w : s.loadWaiters) {
            waiting.remove(w.id());
            fx.loaded(w.id(), s.name());
        }
        s.loadWaiters.clear();
    }

    private void grant(ModelSlot s, long id, Instant now) {
        if (!fx.grant(id, s.name())) {
            return; // the caller gave up meanwhile: no lease, nothing to release
        }
        s.leases.add(id);
        s.grantedAt.put(id, now);
        s.lastGrant = now;
        if (s.state() == ModelState.READY) {
            s.moveTo(ModelState.BUSY);
        }
    }

    /**
     * Starts the model's engine on {@code placement} (rule 9); a model of unknown size reserves what
     * is free there (rule 8).
     */
    void start(ModelSlot s, Instant now, List<Integer> placement) {
        s.loadingSince = now;
        if (sleeps.wake(s, now)) return; // (10) asleep: its process is there, on its GPUs
        s.moveTo(ModelState.LOADING);
        s.loadedAt = null;
        s.starting();
        if (!s.sized()) {
            s.reserved = placement.stream().mapToLong(d -> budget.devices().stream().filter(x -> x.index() == d)
                    .findFirst().orElseThrow().budgetBytes() - Budget.usedOn(d, slots.values())).map(x -> Math.max(0, x))
                    .sum();
        }
        s.placement = List.copyOf(placement);
        fx.publish(s.event(Type.LOADING, null, null, now));
        fx.startEngine(s.name(), budget.devices().stream().anyMatch(Device::gpu) ? s.placement : List.of());
    }

    List<Device> devices() { return budget.devices(); }

    /** Bytes the models hold on one device. */
    long usedOn(int device) { return Budget.usedOn(device, slots.values()); }

    /** (3)(10) Frees the model's memory for another: puts it to sleep when it can, else stops it. */
    void makeRoom(ModelSlot s, StopReason reason, String detail, Instant now) {
        if (!sleeps.sleep(s, reason, detail, now)) stop(s, reason, detail, now);
    }

    /** (10) The engine is asleep: its memory is free; an unload asked meanwhile ends it now. */
    void onAsleep(String model, Instant now) {
        if (sleeps.asleep(slots.get(model), now)) dispatch(now);
    }

    /** (10) It would not sleep: stop it instead, so the memory it was to free is freed. */
    void onSleepFailed(String model, String message, Instant now) {
        ModelSlot s = slots.get(model);
        if (s != null && s.state() == ModelState.SLEEPING) stop(s, s.stopping, "it could not sleep: " + message, now);
    }

    void stop(ModelSlot s, StopReason reason, String detail, Instant now) {
        s.moveTo(ModelState.UNLOADING);
        s.pendingStop = null;
        s.drainingFor = null;
        s.stopping = reason;
        s.clearLeases(); // only shutdown stops a model with leases; their release is then a no-op
        fx.publish(s.event(Type.UNLOADING, reason, detail, now));
        fx.stopEngine(s.name(), reason);
    }

    private void expireWaiters(ModelSlot s, Instant now) {
        if (s.state() == ModelState.LOADING) {
            return; // waiting for the load itself: start_timeout bounds it, not queue_timeout
        }
        expire(s, s.queue.iterator(), now);
        expire(s, s.loadWaiters.iterator(), now);
    }

    private void expire(ModelSlot s, Iterator<Waiter> it, Instant now) {
        while (it.hasNext()) {
            Waiter w = it.next();
            if (now.isBefore(w.since().plus(s.queueTimeout))) {
                continue;
            }
            it.remove();
            waiting.remove(w.id());
            fx.fail(w.id(), Refusals.noCapacity(s, slots.values(), budget, now, java.time.Duration.between(w.since(), now)));
        }
    }

    private void failAllWaiters(ModelSlot s, HearthException error) {
        for (long id : s.takeAllWaiters()) {
            waiting.remove(id);
            fx.fail(id, error);
        }
    }

    private void answerUnloads(ModelSlot s, long freed) {
        unloads.answer(s, freed);
    }
}
