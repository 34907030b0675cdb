package dev.hearth.scheduler;

import dev.hearth.NoCapacityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/** The scheduler's refusals, worded for the person who sent the request. */
final class Refusals {

    /** A guess at when capacity may return: long enough for a request to finish or a swap to progress. */
    static final long RETRY_AFTER_SECONDS = 5;
    /** The longest Retry-After a full queue asks for: beyond it an estimate is a guess anyway. */
    static final long MAX_RETRY_AFTER_SECONDS = 600;

    private Refusals() {}

    /**
     * (3) Retry-After for a request refused because the model's queue is full: how long the queue
     * ahead of it takes to drain, so that clients honouring it come back when there is room rather
     * than all at once a few seconds later. That is the recent service time of one request times
     * the requests ahead (those queued, plus one turn for the leases out), divided by how many run
     * at once, plus what is left of a load in progress. At least 1 s, at most {@value
     * #MAX_RETRY_AFTER_SECONDS} s; {@value #RETRY_AFTER_SECONDS} s before anything is known.
     *
     * @param serviceTime  how long a lease is held, recently; null before the first release
     * @param queued       requests waiting in the model's queue
     * @param concurrency  its max_concurrency
     * @param untilServing until the model serves: zero when it does, what is left of its load when
     *                     loading, its last load time when not loaded, null when it never loaded
     */
    static long retryAfterSeconds(Duration serviceTime, int queued, int concurrency, Duration untilServing) {
        if (serviceTime == null && (untilServing == null || untilServing.isZero())) return RETRY_AFTER_SECONDS;
        double seconds = untilServing == null ? 0 : untilServing.toNanos() / 1e9;
        if (serviceTime != null) {
            seconds += serviceTime.toNanos() / 1e9 * (queued + 1.0) / Math.max(1, concurrency);
        }
        return Math.clamp((long) Math.ceil(seconds), 1, MAX_RETRY_AFTER_SECONDS);
    }

    static ModelTooLargeException tooLarge(ModelSlot s, Budget budget) {
        if (budget.devices().size() > 1) {
            return new ModelTooLargeException("Model '" + s.name() + "' needs " + Bytes.format(s.memory())
                    + " but the GPUs it may use have " + Bytes.format(budget.largestFor(s)) + " of budget at most"
                    + (s.gpus.isPinned() ? " (gpus: " + s.gpus.pinned() + ")" : " (gpus: " + s.gpus.count() + ")")
                    + "; ask for more GPUs with models." + s.name() + ".gpus, or lower its memory.");
        }
        return new ModelTooLargeException("Model '" + s.name() + "' needs " + Bytes.format(s.memory())
                + " but the whole memory budget is " + Bytes.format(budget.total())
                + "; raise server.memory_budget or lower models." + s.name() + ".memory.");
    }

    /** Waited its queue_timeout: say what it waited for, and what holds the memory if that was it. */
    static NoCapacityException noCapacity(ModelSlot s, Collection<ModelSlot> all, Budget budget, Instant now,
                                          Duration waitedFor) {
        String waited = " Waited " + human(s.queueTimeout) + " (queue_timeout).";
        if (s.state() == ModelState.FAILED && s.nextStartAt != null && now.isBefore(s.nextStartAt)) {
            long left = Math.max(1, Duration.between(now, s.nextStartAt).toSeconds());
            return new NoCapacityException("Model '" + s.name() + "' is backing off after " + s.failures
                    + " failed starts (last error: " + s.lastError + "); next attempt in " + left + " s." + waited, left);
        }
        String why;
        if (s.acceptsGrants()) {
            why = "Model '" + s.name() + "' is serving its limit of " + s.maxConcurrency
                    + " requests at once (max_concurrency).";
        } else if (s.pendingStop != null || s.state() == ModelState.UNLOADING) {
            why = "Model '" + s.name() + "' is being unloaded; it loads again once stopped.";
        } else {
            why = budget.shortage(s, all);
        }
        // a model that is not serving says where it is and when it may be ready
        return new NoCapacityException(why + waited, RETRY_AFTER_SECONDS,
                s.state().serving() ? null : s.loading(waitedFor, now));
    }

    static NoCapacityException shuttingDown() {
        return new NoCapacityException("Hearth is shutting down.", RETRY_AFTER_SECONDS);
    }

    static String human(Duration d) {
        return d.toSecondsPart() == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
