package dev.hearth.scheduler;

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

    record Plan(Verdict verdict, List<ModelSlot> victims, StopReason reason) {
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

    /** Bytes held by models whose engine process exists (loading, ready, busy, unloading). */
    static long used(Collection<ModelSlot> slots) {
        return slots.stream().filter(s -> s.state().holdsMemory()).mapToLong(ModelSlot::memory).sum();
    }

    Plan plan(ModelSlot wanted, Collection<ModelSlot> slots) {
        List<ModelSlot> others = slots.stream()
                .filter(s -> s != wanted && s.state().holdsMemory()).toList();
        return exclusive ? planExclusive(others) : planShared(wanted, others);
    }

    /** Exclusive mode: every other resident model must go, and only when all of them can. */
    private Plan planExclusive(List<ModelSlot> others) {
        if (others.isEmpty()) {
            return Plan.start();
        }
        List<ModelSlot> victims = others.stream().filter(s -> s.state() != ModelState.UNLOADING).toList();
        if (victims.isEmpty() || !victims.stream().allMatch(ModelSlot::evictable)) {
            return Plan.waiting();
        }
        return new Plan(Verdict.EVICT, victims, StopReason.EXCLUSIVE);
    }

    /** Shared mode: evict idle models, least recently used first, and only as many as needed. */
    private Plan planShared(ModelSlot wanted, List<ModelSlot> others) {
        long free = budgetBytes - others.stream().mapToLong(ModelSlot::memory).sum();
        if (wanted.memory() <= free) {
            return Plan.start();
        }
        long incoming = others.stream().filter(s -> s.state() == ModelState.UNLOADING)
                .mapToLong(ModelSlot::memory).sum();
        long missing = wanted.memory() - free - incoming;
        if (missing <= 0) {
            return Plan.waiting(); // stops already under way will free enough
        }
        List<ModelSlot> victims = new ArrayList<>();
        for (ModelSlot idle : leastRecentlyUsed(others)) {
            if (missing <= 0) {
                break;
            }
            victims.add(idle);
            missing -= idle.memory();
        }
        // Evicting some idle models without making room would lose them for nothing.
        return missing > 0 ? Plan.waiting() : new Plan(Verdict.EVICT, List.copyOf(victims), StopReason.EVICTED);
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
