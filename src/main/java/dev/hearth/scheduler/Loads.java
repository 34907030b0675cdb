package dev.hearth.scheduler;

import dev.hearth.scheduler.Budget.Plan;
import dev.hearth.scheduler.ModelEvent.Type;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * The core's decisions about memory, carried out: which waiting model loads next and what makes
 * room for it (rules 3 and 7), and what gives way when measured footprints overcommit the budget
 * (rule 8). Part of {@link SchedulerCore}: same thread, same slots; it starts and stops engines
 * through the core so every state change stays in one place.
 */
final class Loads {
    private final SchedulerCore core;
    private final Collection<ModelSlot> slots;
    private final Budget budget;
    private final Effects fx;

    Loads(SchedulerCore core, Collection<ModelSlot> slots, Budget budget, Effects fx) {
        this.core = core;
        this.slots = slots;
        this.budget = budget;
        this.fx = fx;
    }

    /** (3) Start models with waiting work, in the order {@link #pickNextToLoad} gives. */
    void run(Instant now) {
        List<ModelSlot> candidates = null; // made only when one is found: this runs after every event
        for (ModelSlot s : slots) {
            if (s.hasDemand() && s.canStart(now)) {
                if (candidates == null) candidates = new ArrayList<>();
                candidates.add(s);
            }
        }
        while (candidates != null && !candidates.isEmpty()) {
            ModelSlot next = pickNextToLoad(candidates, now);
            Plan plan = budget.plan(next, slots, now);
            switch (plan.verdict()) {
                case START -> {
                    core.start(next, now, plan.placement());
                    candidates.remove(next);
                }
                case EVICT -> {
                    String why = "to make room for " + next.name();
                    for (ModelSlot victim : plan.victims()) {
                        core.makeRoom(victim, plan.reason(), why, now);
                    }
                    // (7) models in use whose memory it needs: no new leases; each stops at its last release
                    for (ModelSlot busy : plan.drains()) {
                        busy.drainingFor = next;
                        fx.publish(busy.event(Type.DRAINING, plan.reason(), why + ", whose work waited longer than its"
                                + " max_wait of " + Refusals.human(next.maxWait), now));
                    }
                    return; // it starts at the onStopped that frees its memory
                }
                case WAIT -> {
                    return; // head of line: later models do not take the memory it waits for
                }
            }
        }
    }

    /**
     * (7) Which waiting model loads next: a model whose work waited past its max_wait before one
     * whose work did not, and among those the one whose oldest item is oldest (FIFO across models,
     * so a large model is not starved by a stream of small ones). Whether the loaded models make
     * room for it now is {@link Budget#plan}'s decision.
     */
    static ModelSlot pickNextToLoad(List<ModelSlot> candidates, Instant now) {
        return candidates.stream().min(Comparator.comparing((ModelSlot s) -> !s.overdue(now))
                .thenComparing(ModelSlot::oldestWaiter)).orElseThrow();
    }

    /** (8) A measurement: its peak counts from now on; news is published, an overcommit relieved. */
    void measured(ModelSlot s, long bytes, String source, boolean whole, Instant now) {
        if (s.measure(bytes, source, whole)) {
            fx.publish(s.event(Type.MEASURED, null, "uses " + Bytes.format(s.measured) + " (" + source + ")"
                    + measuredAgainstDeclared(s), now));
        }
        relieveOvercommit(now);
    }

    /** What a measurement means for what the model counts, when it is not simply the measured figure. */
    private static String measuredAgainstDeclared(ModelSlot s) {
        if (s.exceedsDeclared()) {
            return ", more than its memory: " + Bytes.format(s.spec.memoryBytes()) + "; Hearth counts "
                    + Bytes.format(s.measured) + " from now on";
        }
        if (s.memory() <= s.measured) return "";
        String why = s.spec.runsJobs() ? "a job's working memory comes on top of the weights"
                : "nvidia-smi listed none of its processes, so their CUDA memory on this unified memory is unseen";
        return ", under its memory: " + Bytes.format(s.memory()) + ", which Hearth keeps counting (" + why + ")";
    }

    /**
     * (8) When measured footprints put more on a device than its budget holds, idle models there
     * give way, least recently used first, until it fits again; what serves is never stopped for it.
     */
    void relieveOvercommit(Instant now) {
        for (Device d : budget.devices()) {
            List<ModelSlot> leaving = slots.stream().filter(s -> s.state() == ModelState.UNLOADING).toList();
            long over = Budget.usedOn(d.index(), slots) - Budget.usedOn(d.index(), leaving) - d.budgetBytes();
            if (over <= 0) continue; // what is already stopping will do
            String why = "the measured footprints of the loaded models exceed the " + Bytes.format(d.budgetBytes())
                    + " memory budget" + (budget.devices().size() > 1 ? " of GPU " + d.index() : "") + " by "
                    + Bytes.format(over);
            for (ModelSlot idle : slots.stream().filter(s -> s.evictable() && s.placement.contains(d.index()))
                    .sorted(Comparator.comparing((ModelSlot s) -> s.idleSince,
                            Comparator.nullsFirst(Comparator.naturalOrder()))).toList()) {
                if (over <= 0) break;
                core.makeRoom(idle, StopReason.EVICTED, why, now);
                over -= Budget.share(idle);
            }
        }
    }
}
