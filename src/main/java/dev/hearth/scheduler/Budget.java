package dev.hearth.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Rule (3): whether a model can load inside the memory budget, and whom to evict so it can.
 * Pure: it reads slots and decides; {@link SchedulerCore} carries the decision out.
 *
 * <p>Memory counts from the moment a start is issued until onStopped: a model that is stopping
 * still holds its memory, so two loads can never both count on it.
 */
final class Budget {

    enum Verdict {
        /** It fits now: start it. */
        START,
        /** Stop {@link Plan#victims} first; it starts once their memory is free (onStopped). */
        EVICT,
        /** It cannot fit without stopping a busy, pinned or loading model: wait, evict nothing. */
        WAIT
    }

    /**
     * @param victims idle models to stop now
     * @param drains  (7) models in use to stop once their last lease is released: they take no new one
     */
    record Plan(Verdict verdict, List<ModelSlot> victims, StopReason reason, List<ModelSlot> drains) {
        Plan(Verdict verdict, List<ModelSlot> victims, StopReason reason) {
            this(verdict, victims, reason, List.of());
        }

        static Plan start() { return new Plan(Verdict.START, List.of(), null); }

        static Plan waiting() { return new Plan(Verdict.WAIT, List.of(), null); }
    }

    private final long budgetBytes;
    private final boolean exclusive;

    Budget(long budgetBytes, boolean exclusive) {
        this.budgetBytes = budgetBytes;
        this.exclusive = exclusive;
    }

    long total() { return budgetBytes; }

    boolean exclusive() { return exclusive; }

    /** Bytes held by models whose engine process exists (loading, ready, busy, unloading). */
    static long used(Collection<ModelSlot> slots) {
        return slots.stream().filter(s -> s.state().holdsMemory()).mapToLong(ModelSlot::memory).sum();
    }

    Plan plan(ModelSlot wanted, Collection<ModelSlot> slots, Instant now) {
        List<ModelSlot> others = slots.stream()
                .filter(s -> s != wanted && s.state().holdsMemory()).toList();
        return exclusive ? planExclusive(wanted, others, now) : planShared(wanted, others, now);
    }

    /**
     * (7) Whether idle {@code loaded} gives way to {@code wanted}'s waiting work now: not within
     * its min_residency, and either nobody uses it (no lease granted or released since that work
     * began to wait) or that work has waited past its max_wait (counted from {@code loaded}'s
     * load at the earliest: see {@link ModelSlot#overdueFor}).
     */
    static boolean yields(ModelSlot loaded, ModelSlot wanted, Instant now) {
        return !loaded.resident(now) && (wanted.overdueFor(loaded, now) || !loaded.inUseSince(wanted.oldestWaiter()));
    }

    /**
     * (7) Whether busy {@code loaded} is drained for overdue {@code wanted}: it takes no new lease
     * and stops at its last release. Never a pinned model or one within its min_residency, nor one
     * whose own queue holds older work than {@code wanted}'s (it would be loaded straight back).
     */
    private static boolean drains(ModelSlot loaded, ModelSlot wanted, Instant now) {
        if (loaded.state() != ModelState.BUSY || loaded.spec.pinned() || loaded.pendingStop != null
                || loaded.drainingFor != null || loaded.resident(now) || !wanted.overdueFor(loaded, now)) {
            return false;
        }
        Instant own = loaded.oldestWaiter();
        return own == null || own.isAfter(wanted.oldestWaiter());
    }

    /** Exclusive mode: every other resident model must go, and only when all of them can. */
    private Plan planExclusive(ModelSlot wanted, List<ModelSlot> others, Instant now) {
        if (others.isEmpty()) {
            return Plan.start();
        }
        List<ModelSlot> going = others.stream()
                .filter(s -> s.state() != ModelState.UNLOADING && s.drainingFor == null).toList();
        if (going.isEmpty()) {
            return Plan.waiting(); // what is stopping or draining will make room
        }
        List<ModelSlot> victims = going.stream().filter(s -> s.evictable() && yields(s, wanted, now)).toList();
        List<ModelSlot> drains = going.stream().filter(s -> drains(s, wanted, now)).toList();
        if (victims.size() + drains.size() < going.size()) {
            return Plan.waiting();
        }
        return new Plan(Verdict.EVICT, victims, StopReason.EXCLUSIVE, drains);
    }

    /**
     * Shared mode: evict idle models that give way (rule 7), least recently used first, and only as
     * many as needed; when that is not enough and the wanted model's work is overdue, drain models in
     * use too, least recently granted first.
     */
    private Plan planShared(ModelSlot wanted, List<ModelSlot> others, Instant now) {
        long free = budgetBytes - others.stream().mapToLong(ModelSlot::memory).sum();
        long incoming = others.stream().filter(s -> s.state() == ModelState.UNLOADING || s.drainingFor != null)
                .mapToLong(ModelSlot::memory).sum();
        // (8) a model of unknown size takes what is free once nothing is on its way out; with nothing
        // free, it needs the whole budget
        if (!wanted.sized() && incoming > 0) {
            return Plan.waiting();
        }
        long need = wanted.sized() ? wanted.memory() : free > 0 ? free : budgetBytes;
        if (need <= free) {
            return Plan.start();
        }
        long missing = need - free - incoming;
        if (missing <= 0) {
            return Plan.waiting(); // stops already under way will free enough
        }
        List<ModelSlot> victims = new ArrayList<>();
        for (ModelSlot idle : leastRecentlyUsed(others)) {
            if (missing <= 0) {
                break;
            }
            if (!yields(idle, wanted, now)) {
                continue;
            }
            victims.add(idle);
            missing -= idle.memory();
        }
        List<ModelSlot> drains = new ArrayList<>();
        for (ModelSlot busy : others.stream().filter(s -> drains(s, wanted, now))
                .sorted(Comparator.comparing((ModelSlot s) -> s.lastGrant, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList()) {
            if (missing <= 0) {
                break;
            }
            drains.add(busy);
            missing -= busy.memory();
        }
        // Evicting some models without making room would lose them for nothing.
        return missing > 0 ? Plan.waiting()
                : new Plan(Verdict.EVICT, List.copyOf(victims), StopReason.EVICTED, List.copyOf(drains));
    }

    private static List<ModelSlot> leastRecentlyUsed(List<ModelSlot> others) {
        return others.stream().filter(ModelSlot::evictable)
                .sorted(Comparator.comparing((ModelSlot s) -> s.idleSince, Comparator.nullsFirst(Comparator.naturalOrder())))
                .toList();
    }

    /** Why {@code wanted} cannot load yet, naming what holds the memory (for the 503 message). */
    String shortage(ModelSlot wanted, Collection<ModelSlot> slots) {
        List<ModelSlot> holders = slots.stream().filter(s -> s != wanted && s.state().holdsMemory()).toList();
        String held = holders.isEmpty() ? "nothing" : holders.stream().map(Budget::describe).collect(Collectors.joining(", "));
        if (exclusive) {
            return "Model '" + wanted.name() + "' waits for exclusive use of the GPU (server.exclusive); loaded now: "
                    + held + ".";
        }
        long free = budgetBytes - used(holders);
        return "Model '" + wanted.name() + "' needs " + Bytes.format(wanted.memory()) + " but only "
                + Bytes.format(Math.max(0, free)) + " of the " + Bytes.format(budgetBytes)
                + " memory budget is free; held by: " + held + ".";
    }

    private static String describe(ModelSlot s) {
        String what = switch (s.state()) {
            case LOADING -> "loading";
            case UNLOADING -> "unloading";
            default -> s.leases.isEmpty() ? (s.spec.pinned() ? "pinned" : "idle")
                    : s.leases.size() + (s.leases.size() == 1 ? " request" : " requests") + " in flight";
        };
        return s.name() + " (" + Bytes.format(s.memory()) + ", " + what + ")";
    }
}
