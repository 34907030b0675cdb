package dev.hearth.scheduler;

import dev.hearth.catalog.ModelSpec;
import dev.hearth.config.ServerConfig;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One model's scheduling state. Owned by {@link SchedulerCore} and touched only from its thread;
 * the fields are package-private because the core is their only writer.
 */
final class ModelSlot {

    /** A consecutive-failure count older than this is forgiven: a crash after an hour of serving is not a loop. */
    static final Duration STABLE_AFTER = Duration.ofSeconds(60);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** A request (lease or load command) waiting since {@code since}. */
    record Waiter(long id, Instant since) {
    }

    final ModelSpec spec;
    final int maxConcurrency;
    final int maxQueue;
    final Duration queueTimeout;
    final Duration idleTtl;

    private ModelState state = ModelState.UNLOADED;
    /** Ids of the granted leases; a release whose id is not here (e.g. after a crash) changes nothing. */
    final Set<Long> leases = new LinkedHashSet<>();
    /** Lease requests, first come first served; bounded by maxQueue. */
    final Deque<Waiter> queue = new ArrayDeque<>();
    /** Load commands waiting for READY; they take no lease and no queue place. */
    final List<Waiter> loadWaiters = new ArrayList<>();
    /** Unload commands answered at onStopped (or onLoadFailed / onCrashed). */
    final List<Long> unloadReplies = new ArrayList<>();
    /** Not null: stop as soon as no lease is out (manual unload drains; shutdown asked during a load). */
    StopReason pendingStop;
    /** Why the engine is being stopped right now, for the UNLOADED event. */
    StopReason stopping;
    Instant loadedAt;
    Instant lastUsed;
    /** When the lease count last fell to zero (or the load ended): the idle clock and the LRU key. */
    Instant idleSince;
    String lastError;
    int failures;
    /**
     * Whether a request arriving now would be refused because the queue is full: written by the
     * owner after each event, read by any thread so a 429 storm never queues on the owner thread.
     */
    volatile boolean refusing;
    Instant nextStartAt;

    ModelSlot(ModelSpec spec, ServerConfig server) {
        this.spec = spec;
        // Config fills these; the fallbacks keep a hand-built spec (tests, embedded default) sane.
        this.maxConcurrency = spec.maxConcurrency() > 0 ? spec.maxConcurrency() : Integer.MAX_VALUE;
        this.maxQueue = spec.maxQueue();
        this.queueTimeout = spec.queueTimeout() != null ? spec.queueTimeout() : server.queueTimeout();
        this.idleTtl = spec.idleUnload() != null ? spec.idleUnload() : server.idleUnload();
    }

    String name() { return spec.name(); }

    long memory() { return spec.memoryBytes(); }

    ModelState state() { return state; }

    /** (1) The only way a state changes: checked against the transition table. */
    void moveTo(ModelState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("model '" + name() + "': " + state + " -> " + next + " is not allowed");
        }
        state = next;
    }

    boolean hasDemand() { return !queue.isEmpty() || !loadWaiters.isEmpty(); }

    boolean acceptsGrants() { return state.serving() && pendingStop == null; }

    boolean hasFreeLease() { return leases.size() < maxConcurrency; }

    /** (3) onRequest's refusal as of now: no lease to grant at once and the queue full. */
    void publishAdmission(boolean shuttingDown) {
        boolean grantNow = acceptsGrants() && hasFreeLease() && queue.isEmpty();
        refusing = !shuttingDown && !grantNow && queue.size() >= maxQueue;
    }

    /** (3) May be stopped to make room: ready, no lease, not pinned, not already on its way out. */
    boolean evictable() {
        return state == ModelState.READY && leases.isEmpty() && !spec.pinned() && pendingStop == null;
    }

    /** (6) Loadable now: not resident, and any failure backoff has passed. */
    boolean canStart(Instant now) {
        return state == ModelState.UNLOADED
                || state == ModelState.FAILED && (nextStartAt == null || !now.isBefore(nextStartAt));
    }

    /** (4) Idle for its TTL; a TTL of zero means never. */
    boolean idleExpired(Instant now) {
        return state == ModelState.READY && leases.isEmpty() && pendingStop == null
                && !idleTtl.isZero() && idleSince != null && !now.isBefore(idleSince.plus(idleTtl));
    }

    /** The oldest waiting request or load command, or null. */
    Instant oldestWaiter() {
        Instant oldest = queue.isEmpty() ? null : queue.peekFirst().since();
        for (Waiter w : loadWaiters) {
            if (oldest == null || w.since().isBefore(oldest)) {
                oldest = w.since();
            }
        }
        return oldest;
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
        return new ModelStatus(name(), state, memory(), leases.size(), queue.size(),
                state.holdsMemory() ? loadedAt : null, lastUsed, lastError);
    }
}
