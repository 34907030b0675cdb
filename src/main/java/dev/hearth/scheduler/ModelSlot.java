package dev.hearth.scheduler;

import dev.hearth.catalog.ModelSpec;
import dev.hearth.config.Gpus;
import dev.hearth.config.ServerConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One model's scheduling state. Owned by {@link SchedulerCore} and touched only from its thread;
 * the fields are package-private because the core is their only writer.
 */
final class ModelSlot {

    /** A consecutive-failure count older than this is forgiven: a crash after an hour of serving is not a loop. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /**
     * A request (lease or load command) in the queue since {@code since}, standing for
     * {@code count} items of work of which the oldest arrived at {@code oldest}: a chat request is
     * one item that arrived when it queued; the job dispatcher's lease stands for every queued job
     * of its model, the oldest submitted long before (rule 7 orders by {@code oldest}; the queue
     * timeout counts from {@code since}).
     */
    record Waiter(long id, Instant since, Instant oldest, int count) {
        Waiter(long id, Instant since) {
            this(id, since, since, 1);
        }
    }

    final ModelSpec spec;
    final int maxConcurrency;
    final int maxQueue;
    final Duration queueTimeout;
    final Duration idleTtl;
    /** Rule 7: how long this model's waiting work lets loaded models in use keep serving. */
    final Duration maxWait;
    /** Rule 7: once loaded, not swapped out for another model's demand before this. */
    final Duration minResidency;
    /** Never evicted to make room: its {@code pinned:}, or pinned or unpinned since (POST /api/models/{m}/pin). */
    boolean pinned;
    /** Rule 9: the GPUs it may run on. */
    final Gpus gpus;
    /** Rule 10: 1 or 2 when it is put to sleep instead of stopped to make room; 0 when it cannot sleep. */
    final int sleepLevel;
    /** (9) The devices it holds memory on while loading, loaded or stopping; set at each start. */
    List<Integer> placement = List.of();

    private ModelState state = ModelState.UNLOADED;
    /** Ids of the granted leases; a release whose id is not here (e.g. after a crash) changes nothing. */
    final Set<Long> leases = new LinkedHashSet<>();
    /** When each lease out was granted: its service time is measured at its release. */
    final Map<Long, Instant> grantedAt = new HashMap<>();
    /** (3) How long a lease is held, smoothed over recent releases; null before the first. For Retry-After. */
    Duration serviceTime;
    /** Lease requests, first come first served; bounded by maxQueue. */
    final Deque<Waiter> queue = new ArrayDeque<>();
    /** Load commands waiting for READY; they take no lease and no queue place. */
    final List<Waiter> loadWaiters = new ArrayList<>();
    /** Unload commands answered at onStopped (or onLoadFailed / onCrashed). */
    final List<Long> unloadReplies = new ArrayList<>();
    /** Not null: stop as soon as no lease is out (manual unload drains; shutdown asked during a load). */
    StopReason pendingStop;
    /**
     * (7) Not null: serving its last leases and taking no new one, to stop at its last release so
     * that this model, whose work waited past its max_wait, can load. Dropped when that work is gone.
     */
    ModelSlot drainingFor;
    /** Why the engine is being stopped right now, for the UNLOADED event. */
    StopReason stopping;
    Instant loadedAt;
    /** When the current (or last) load or wake began. */
    Instant loadingSince;
    /** How long its last successful load (or wake) took: the ETA of the next one; null before any. */
    java.time.Duration lastLoad;
    Instant lastUsed;
    /** When a lease was last granted: a model granting while another model's work waits is in use (rule 7). */
    Instant lastGrant;
    /** When the lease count last fell to zero (or the load ended): the idle clock and the LRU key. */
    Instant idleSince;
    String lastError;
    int failures;
    /** (8) The peak footprint measured of its engine, -1 before any; kept across loads. */
    long measured = -1;
    /** {@code gpu} or {@code rss}: where {@link #measured} came from. */
    String measuredBy;
    /** (8) A model of unknown size: the budget that was free when it started, until it is measured. */
    long reserved;
    private boolean measuredThisLoad;
    /** (8) A measurement that may have missed part of what the engine holds: measurements then only raise. */
    private boolean measuredInPart;
    private long reportedPeak;
    /**
     * The Retry-After (seconds) of the 429 a request arriving now would get because the queue is
     * full, or -1 when it would not be refused: written by the owner after each event, read by any
     * thread so a 429 storm never queues on the owner thread.
     */
    volatile long refusing = -1;
    Instant nextStartAt;

    ModelSlot(ModelSpec spec, ServerConfig server) {
        this.spec = spec;
        // Config fills these; the fallbacks keep a hand-built spec (tests, embedded default) sane.
        this.maxConcurrency = spec.maxConcurrency() > 0 ? spec.maxConcurrency() : Integer.MAX_VALUE;
        this.maxQueue = spec.maxQueue();
        this.queueTimeout = spec.queueTimeout() != null ? spec.queueTimeout() : server.queueTimeout();
        this.idleTtl = spec.idleUnload() != null ? spec.idleUnload() : server.idleUnload();
        this.maxWait = spec.sharing().maxWait();
        this.minResidency = spec.sharing().minResidency();
        this.gpus = spec.sharing().gpus();
        this.pinned = spec.pinned();
        this.sleepLevel = spec.sharing().sleep();
    }

    String name() { return spec.name(); }

    /**
     * (8) What the model takes from the budget: its peak measured footprint once it has one (kept
     * across loads), else its declared {@code memory:}, else (declared none, never measured) what
     * was free when it started. A job engine's measurement only ever raises what it declared: a
     * diffusers worker holds its weights between jobs and takes a job's activations on top, so after
     * a load it measures well under its need (Wan 2.1 14B fp8 on an H200: ~24 GiB of weights, ~38 GiB
     * at the peak of a 480p job; BENCHMARKS.md), and a model packed into the difference would meet
     * an out-of-memory at the next job. So does a measurement that was not whole (resident memory
     * alone on unified memory, where CUDA's allocations are not in it).
     */
    long memory() {
        long declared = spec.memoryBytes();
        if (measured <= 0) return declared >= 0 ? declared : reserved;
        return spec.runsJobs() || measuredInPart ? Math.max(measured, declared) : measured;
    }

    /** Its size is known: declared or measured. Else its first load takes the budget that is free. */
    boolean sized() { return measured > 0 || spec.memoryBytes() >= 0; }

    /**
     * (8) A measurement of the running engine; the peak is kept. True when it is news worth an
     * event: the first since this load, or a peak 10% above the last one reported.
     */
    boolean measure(long bytes, String source, boolean whole) {
        boolean news = !measuredThisLoad || bytes > reportedPeak + reportedPeak / 10;
        measuredThisLoad = true;
        measuredInPart |= !whole;
        if (bytes > measured) {
            measured = bytes;
            measuredBy = source;
        }
        if (news) reportedPeak = measured;
        return news;
    }

    /** (8) Measured above its declared memory by more than a tenth (and 256 MiB): worth a warning. */
    boolean exceedsDeclared() {
        long declared = spec.memoryBytes();
        return declared >= 0 && measured > declared + Math.max(declared / 10, 256L << 20);
    }

    ModelState state() { return state; }

    /** (1) The only way a state changes: checked against the transition table. */
    void moveTo(ModelState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("model '" + name() + "': " + state + " -> " + next + " is not allowed");
        }
        state = next;
    }

    boolean hasDemand() { return !queue.isEmpty() || !loadWaiters.isEmpty(); }

    boolean acceptsGrants() { return state.serving() && pendingStop == null && drainingFor == null; }

    boolean hasFreeLease() { return leases.size() < maxConcurrency; }

    /**
     * (3) How many requests may wait: max_queue, except that with max_queue 0 one request may still
     * wait for the model's own start (else a model started on demand could never be started).
     */
    int queueLimit() { return maxQueue == 0 && !state.serving() ? 1 : maxQueue; }

    /** (3) onRequest's refusal as of now: no lease to grant at once and the queue full. */
    void publishAdmission(boolean shuttingDown, Instant now) {
        boolean grantNow = acceptsGrants() && hasFreeLease() && queue.isEmpty();
        refusing = !shuttingDown && !grantNow && queue.size() >= queueLimit() ? retryAfterSeconds(now) : -1;
    }

    /** (3) A lease went back: its time held counts into the service time, the recent ones most. */
    void served(long leaseId, Instant now) {
        Instant granted = grantedAt.remove(leaseId);
        if (granted == null) return;
        long held = Duration.between(granted, now).toNanos();
        // in nanoseconds: Duration's own multipliedBy and dividedBy go through BigDecimal, on every release
        serviceTime = Duration.ofNanos(serviceTime == null ? held : (serviceTime.toNanos() * 7 + held) / 8);
    }

    /** All leases are void (a crash, a stop): their releases change nothing and measure nothing. */
    void clearLeases() {
        leases.clear();
        grantedAt.clear();
    }

    /** (3) Retry-After for a request refused now: the queue's drain time, see {@link Refusals#retryAfterSeconds}. */
    long retryAfterSeconds(Instant now) {
        Duration untilServing = state.serving() ? Duration.ZERO
                : lastLoad == null ? null
                : loadingSince != null && state == ModelState.LOADING
                ? max(Duration.ZERO, lastLoad.minus(Duration.between(loadingSince, now))) : lastLoad;
        return Refusals.retryAfterSeconds(serviceTime, queue.size(), maxConcurrency, untilServing);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** (3) May be stopped to make room: ready, no lease, not pinned, not already on its way out. */
    boolean evictable() {
        return state == ModelState.READY && leases.isEmpty() && !pinned && pendingStop == null
                && drainingFor == null;
    }

    /** (6) Loadable now: not resident, and any failure backoff has passed. */
    boolean canStart(Instant now) {
        return state == ModelState.UNLOADED || state == ModelState.ASLEEP
                || state == ModelState.FAILED && (nextStartAt == null || !now.isBefore(nextStartAt));
    }

    /** (4) Idle for its TTL; a TTL of zero means never. */
    boolean idleExpired(Instant now) {
        return (state == ModelState.READY && leases.isEmpty() && pendingStop == null || state == ModelState.ASLEEP)
                && !idleTtl.isZero() && idleSince != null && !now.isBefore(idleSince.plus(idleTtl));
    }

    /** When the oldest item of work waiting for this model arrived, or null when none waits. */
    Instant oldestWaiter() {
        Instant oldest = null;
        for (Waiter w : queue) {
            if (oldest == null || w.oldest().isBefore(oldest)) oldest = w.oldest();
        }
        for (Waiter w : loadWaiters) {
            if (oldest == null || w.oldest().isBefore(oldest)) oldest = w.oldest();
        }
        return oldest;
    }

    /** Items of work waiting: queued requests, and the jobs a dispatcher's waiting lease stands for. */
    int waitingItems() {
        return queue.stream().mapToInt(Waiter::count).sum();
    }

    /** (7) Some waiting item is older than this model's max_wait: loaded models in use must make room. */
    boolean overdue(Instant now) {
        return overdueFor(null, now);
    }

    /**
     * (7) Overdue as {@code loaded} sees it: the wait counts from {@code loaded}'s load at the
     * earliest, so a model that just paid for a swap serves for at least this model's max_wait
     * before it gives way again (else, with loads slower than max_wait, everything would always be
     * overdue and each turn would serve one batch of requests per swap). Null: overdue at all.
     */
    boolean overdueFor(ModelSlot loaded, Instant now) {
        Instant oldest = oldestWaiter();
        if (oldest == null) return false;
        if (loaded != null && loaded.loadedAt != null && loaded.loadedAt.isAfter(oldest)) oldest = loaded.loadedAt;
        return !now.isBefore(oldest.plus(maxWait));
    }

    /** (7) Loaded for less than its min_residency: not swapped out for another model's demand yet. */
    boolean resident(Instant now) {
        return loadedAt != null && now.isBefore(loadedAt.plus(minResidency));
    }

    /**
     * (7) Granted or released a lease at or after {@code since}: it was serving users while that
     * work waited (a user sending one request after another leaves it idle for a moment between
     * them, which is no reason to swap it out).
     */
    boolean inUseSince(Instant since) {
        return since != null && (lastGrant != null && !lastGrant.isBefore(since)
                || lastUsed != null && !lastUsed.isBefore(since));
    }

    /** Empties the queue and the load commands, oldest first: they are all being failed. */
    List<Long> takeAllWaiters() {
        List<Long> ids = new ArrayList<>();
        queue.forEach(w -> ids.add(w.id()));
        loadWaiters.forEach(w -> ids.add(w.id()));
        queue.clear();
        loadWaiters.clear();
        return ids;
    }

    /**
     * (6 of issue 10) Where a cold model is, for a request that waited {@code waited} for it: its state,
     * and seconds until it is likely ready (its last load's duration, less what this load took so far).
     */
    dev.hearth.NoCapacityException.Loading loading(java.time.Duration waited, Instant now) {
        return new dev.hearth.NoCapacityException.Loading(state.wire(), waited.toSeconds(),
                ModelStatus.eta(lastLoad, state == ModelState.LOADING ? loadingSince : null, now));
    }

    /** A start: what this load measures is news again. */
    void starting() {
        measuredThisLoad = false;
        reportedPeak = 0;
    }

    /** (5) A failed load or a crash: remember why and when the next start may happen. */
    void recordFailure(String error, boolean crash, Instant now) {
        boolean servedLongEnough = crash && loadedAt != null
                && Duration.between(loadedAt, now).compareTo(STABLE_AFTER) >= 0;
        lastError = error;
        failures = servedLongEnough ? 1 : failures + 1;
        nextStartAt = now.plus(backoff(failures));
    }

    /** None after the first failure (the next request retries at once), then 1 s, 2 s, 4 s … 60 s. */
    static Duration backoff(int failures) {
        if (failures <= 1) {
            return Duration.ZERO;
        }
        Duration d = Duration.ofSeconds(1L << Math.min(failures - 2, 10));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    /** Something that happened to this model now, with the memory it holds. */
    ModelEvent event(ModelEvent.Type type, StopReason reason, String detail, Instant now) {
        return new ModelEvent(now, name(), type, reason, memory(), detail);
    }

    ModelStatus status() {
        return new ModelStatus(name(), state, memory(), leases.size(), waitingItems(),
                state.holdsMemory() ? loadedAt : null, lastUsed, lastError,
                spec.memoryBytes() >= 0 ? spec.memoryBytes() : null, measured > 0 ? measured : null, measuredBy,
                state.holdsMemory() ? placement : List.of(), state == ModelState.LOADING ? loadingSince : null,
                lastLoad, pinned);
    }
}
