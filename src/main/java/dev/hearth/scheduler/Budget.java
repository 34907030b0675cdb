package dev.hearth.scheduler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Rules (3), (7) and (9): whether a model can load inside the memory budget, on which device(s),
 * and whom to evict or drain so it can. Pure: it reads slots and decides; {@link SchedulerCore}
 * carries the decision out.
 *
 * <p>The budget is a list of devices (each GPU, or one pool). A model runs on one device or on
 * several ({@code gpus: 2}, {@code gpus: [0, 1]}), its memory shared evenly between them; it is
 * placed where it fits best (least left over), and evictions free memory on the devices it needs.
 * Memory counts from the moment a start is issued until onStopped: a model that is stopping still
 * holds its memory, so two loads can never both count on it.
 */
final class Budget {

    enum Verdict {
        /** It fits now: start it on {@link Plan#placement}. */
        START,
        /** Stop {@link Plan#victims} first; it starts once their memory is free (onStopped). */
        EVICT,
        /** It cannot fit without stopping a busy, pinned or loading model: wait, evict nothing. */
        WAIT
    }

    /**
     * @param victims   idle models to stop now
     * @param drains    (7) models in use to stop once their last lease is released: they take no new one
     * @param placement (9) the devices to start on (START only)
     */
    record Plan(Verdict verdict, List<ModelSlot> victims, StopReason reason, List<ModelSlot> drains,
                List<Integer> placement) {
        Plan(Verdict verdict, List<ModelSlot> victims, StopReason reason, List<ModelSlot> drains) {
            this(verdict, victims, reason, drains, List.of());
        }

        static Plan start(List<Integer> placement) {
            return new Plan(Verdict.START, List.of(), null, List.of(), placement);
        }

        static Plan waiting() { return new Plan(Verdict.WAIT, List.of(), null, List.of()); }
    }

    private final List<Device> devices;
    private final Map<Integer, Device> byIndex = new HashMap<>();
    private final boolean exclusive;
    private final boolean spread;

    Budget(List<Device> devices, boolean exclusive) {
        this(devices, exclusive, false);
    }

    /** @param spread place where the most is left ({@code server.placement: spread}), not the least */
    Budget(List<Device> devices, boolean exclusive, boolean spread) {
        if (devices.isEmpty()) throw new IllegalArgumentException("a budget needs at least one device");
        this.devices = List.copyOf(devices);
        this.devices.forEach(d -> byIndex.put(d.index(), d));
        this.exclusive = exclusive;
        this.spread = spread;
    }

    Budget(long budgetBytes, boolean exclusive) {
        this(Device.pool(budgetBytes), exclusive);
    }

    long total() { return devices.stream().mapToLong(Device::budgetBytes).sum(); }

    List<Device> devices() { return devices; }

    boolean exclusive() { return exclusive; }

    /**
     * (10) The sleep level that frees the model's memory here: its own on GPUs with memory of their
     * own; level 2 where the budget is RAM (no GPU, or a DGX Spark's unified memory), since level 1
     * keeps the weights in that very memory.
     */
    int sleepLevel(ModelSlot s) {
        boolean ramBudget = devices.size() == 1 && (!devices.getFirst().gpu() || devices.getFirst().unified());
        return ramBudget ? 2 : s.sleepLevel;
    }

    /** Bytes held by models whose engine process exists (loading, ready, busy, unloading). */
    static long used(Collection<ModelSlot> slots) {
        return slots.stream().filter(s -> s.state().holdsMemory()).mapToLong(ModelSlot::memory).sum();
    }

    /** Bytes held on one device: each holder's share there. */
    static long usedOn(int device, Collection<ModelSlot> slots) {
        return slots.stream().filter(s -> s.state().holdsMemory() && s.placement.contains(device))
                .mapToLong(Budget::share).sum();
    }

    /** A model's memory on each of its devices: shared evenly (tensor parallel). */
    static long share(ModelSlot s) {
        return s.memory() / Math.max(1, s.placement.size());
    }

    /**
     * (9) The device sets the model may run on: its pinned GPUs, or every set of as many devices
     * as it asks for (one by default). On a machine with one pool, that pool.
     */
    List<List<Integer>> candidates(ModelSlot s) {
        if (devices.size() == 1) return List.of(List.of(devices.getFirst().index()));
        if (s.state() == ModelState.ASLEEP) return List.of(s.placement); // (10) it wakes where its process is
        if (s.gpus.isPinned()) {
            return s.gpus.pinned().stream().allMatch(byIndex::containsKey) ? List.of(s.gpus.pinned()) : List.of();
        }
        List<List<Integer>> sets = new ArrayList<>();
        combinations(devices.stream().map(Device::index).toList(), Math.min(s.gpus.count(), devices.size()), 0,
                new ArrayList<>(), sets);
        return sets;
    }

    private static void combinations(List<Integer> all, int k, int from, List<Integer> chosen, List<List<Integer>> out) {
        if (chosen.size() == k) {
            out.add(List.copyOf(chosen));
            return;
        }
        for (int i = from; i < all.size(); i++) {
            chosen.add(all.get(i));
            combinations(all, k, i + 1, chosen, out);
            chosen.removeLast();
        }
    }

    /** (3) Whether the model could ever fit, with everything else unloaded; waiting would not help otherwise. */
    boolean couldEverFit(ModelSlot s) {
        if (s.state() == ModelState.READY || s.state() == ModelState.BUSY) return true; // it is loaded: it fits
        if (!s.sized()) return !candidates(s).isEmpty();
        return candidates(s).stream().anyMatch(set -> set.stream()
                .allMatch(d -> s.memory() / set.size() <= byIndex.get(d).budgetBytes()));
    }

    /** The biggest budget the model could get (its candidate devices), for the "too large" message. */
    long largestFor(ModelSlot s) {
        return candidates(s).stream().mapToLong(set -> set.stream().mapToLong(d -> byIndex.get(d).budgetBytes()).sum())
                .max().orElse(0);
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
        if (loaded.state() != ModelState.BUSY || loaded.pinned || loaded.pendingStop != null
                || loaded.drainingFor != null || loaded.resident(now) || !wanted.overdueFor(loaded, now)) {
            return false;
        }
        Instant own = loaded.oldestWaiter();
        return own == null || own.isAfter(wanted.oldestWaiter());
    }

    /** Exclusive mode: every other resident model must go, and only when all of them can. */
    private Plan planExclusive(ModelSlot wanted, List<ModelSlot> others, Instant now) {
        if (others.isEmpty()) {
            List<List<Integer>> sets = candidates(wanted);
            return sets.isEmpty() ? Plan.waiting() : Plan.start(bestFit(wanted, sets, others));
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
     * Shared mode: start on the device set where it fits with the least left over; else, on the set
     * that needs the least evicted, evict idle models that give way (rule 7), least recently used
     * first and only as many as needed; when that is not enough and the wanted model's work is
     * overdue, drain models in use too, least recently granted first.
     */
    private Plan planShared(ModelSlot wanted, List<ModelSlot> others, Instant now) {
        List<List<Integer>> sets = candidates(wanted);
        if (sets.isEmpty()) return Plan.waiting();
        List<ModelSlot> leaving = others.stream()
                .filter(s -> s.state() == ModelState.UNLOADING || s.drainingFor != null).toList();
        if (!wanted.sized()) {
            // (8) a model of unknown size takes what is free once nothing is on its way out
            if (!leaving.isEmpty()) return Plan.waiting();
            List<Integer> roomiest = sets.stream().filter(set -> set.stream().allMatch(d -> free(d, others) > 0))
                    .max(Comparator.comparingLong(set -> set.stream().mapToLong(d -> free(d, others)).sum())).orElse(null);
            if (roomiest != null) return Plan.start(roomiest);
        }
        List<List<Integer>> fitting = sets.stream().filter(set -> fits(wanted, set, others)).toList();
        if (!fitting.isEmpty()) return Plan.start(bestFit(wanted, fitting, others));
        Plan best = null;
        long bestCost = Long.MAX_VALUE;
        for (List<Integer> set : sets) {
            Map<Integer, Long> missing = new HashMap<>();
            for (int d : set) {
                long left = need(wanted, set, d) - free(d, others) - usedOn(d, leaving);
                if (left > 0) missing.put(d, left);
            }
            if (missing.isEmpty()) return Plan.waiting(); // stops already under way will free enough
            List<ModelSlot> victims = take(leastRecentlyUsed(others).stream()
                    .filter(s -> yields(s, wanted, now)).toList(), missing);
            List<ModelSlot> drains = List.of();
            if (!missing.isEmpty()) {
                drains = take(others.stream().filter(s -> drains(s, wanted, now))
                        .sorted(Comparator.comparing((ModelSlot s) -> s.lastGrant,
                                Comparator.nullsFirst(Comparator.naturalOrder()))).toList(), missing);
            }
            // Evicting some models without making room would lose them for nothing.
            if (!missing.isEmpty()) continue;
            long cost = drains.size() * (1L << 50) + victims.stream().mapToLong(ModelSlot::memory).sum();
            if (cost < bestCost) {
                bestCost = cost;
                best = new Plan(Verdict.EVICT, victims, StopReason.EVICTED, drains);
            }
        }
        return best == null ? Plan.waiting() : best;
    }

    /** What the model needs on device {@code d} of {@code set}: its share, or (unknown size) the whole device. */
    private long need(ModelSlot s, List<Integer> set, int d) {
        return s.sized() ? s.memory() / set.size() : byIndex.get(d).budgetBytes();
    }

    private long free(int d, List<ModelSlot> others) {
        return byIndex.get(d).budgetBytes() - usedOn(d, others);
    }

    private boolean fits(ModelSlot s, List<Integer> set, List<ModelSlot> others) {
        return s.sized() && set.stream().allMatch(d -> need(s, set, d) <= free(d, others));
    }

    /**
     * Best fit: the set that leaves the least free once it is there, so big holes stay for big
     * models; with {@code placement: spread}, the set that leaves the most, so load spreads out.
     */
    private List<Integer> bestFit(ModelSlot s, List<List<Integer>> sets, List<ModelSlot> others) {
        Comparator<List<Integer>> leftover = Comparator.comparingLong(set -> set.stream()
                .mapToLong(d -> free(d, others) - (s.sized() ? need(s, set, d) : 0)).sum());
        return sets.stream().min(spread ? leftover.reversed() : leftover).orElseThrow();
    }

    /**
     * Takes models from {@code pool}, in its order, that free memory on a device still missing some,
     * until nothing is missing; each taken model frees its share on every device it holds.
     */
    private static List<ModelSlot> take(List<ModelSlot> pool, Map<Integer, Long> missing) {
        List<ModelSlot> taken = new ArrayList<>();
        for (ModelSlot s : pool) {
            if (missing.isEmpty()) break;
            if (s.placement.stream().noneMatch(missing::containsKey)) continue;
            taken.add(s);
            long share = share(s);
            for (int d : s.placement) {
                missing.computeIfPresent(d, (k, v) -> v - share > 0 ? v - share : null);
            }
        }
        return List.copyOf(taken);
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
        if (devices.size() == 1) {
            long free = total() - used(holders);
            return "Model '" + wanted.name() + "' needs " + Bytes.format(wanted.memory()) + " but only "
                    + Bytes.format(Math.max(0, free)) + " of the " + Bytes.format(total())
                    + " memory budget is free; held by: " + held + ".";
        }
        String free = devices.stream().map(d -> "GPU " + d.index() + " " + Bytes.format(Math.max(0,
                d.budgetBytes() - usedOn(d.index(), holders))) + " of " + Bytes.format(d.budgetBytes()))
                .collect(Collectors.joining(", "));
        int k = wanted.gpus.isPinned() ? wanted.gpus.pinned().size() : Math.min(wanted.gpus.count(), devices.size());
        return "Model '" + wanted.name() + "' needs " + Bytes.format(wanted.memory()) + (k > 1 ? " on " + k + " GPUs"
                : " on one GPU") + (wanted.gpus.isPinned() ? " (gpus: " + wanted.gpus.pinned() + ")" : "")
                + " but free are: " + free + "; held by: " + held + ".";
    }

    private static String describe(ModelSlot s) {
        String what = switch (s.state()) {
            case LOADING -> "loading";
            case UNLOADING -> "unloading";
            default -> s.leases.isEmpty() ? (s.pinned ? "pinned" : "idle")
                    : s.leases.size() + (s.leases.size() == 1 ? " request" : " requests") + " in flight";
        };
        return s.name() + " (" + Bytes.format(s.memory()) + ", " + what + ")";
    }
}
