package dev.hearth.scheduler;

import dev.hearth.NoCapacityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/** The scheduler's refusals, worded for the person who sent the request. */
final class Refusals {

    /** A guess at when capacity may return: long enough for a request to finish or a swap to progress. */
    static final long RETRY_AFTER_SECONDS = 5;

    private Refusals() {}

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
