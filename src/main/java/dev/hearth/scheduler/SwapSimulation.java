package dev.hearth.scheduler;

import dev.hearth.HearthException;
import dev.hearth.catalog.EngineKind;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.config.ServerConfig;
import dev.hearth.config.Sharing;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Replays a trace of requests against a scheduling policy in simulated time, for
 * {@code hearth bench swaps}: loads, stops and requests take the time the trace says, nothing
 * runs. {@link Policy#HEARTH} is the real {@link SchedulerCore} (rule 7 and all), driven through
 * its {@link Effects}; the other two are the peers' policies, written out here:
 * <ul>
 *   <li>{@link Policy#FIFO}: one model at a time, requests strictly in arrival order — a swap
 *       whenever the next request is for another model;</li>
 *   <li>{@link Policy#LLAMA_SWAP}: one model at a time (llama-swap without hand-written groups),
 *       serving every queued request of the loaded model, then swapping to the model of the oldest
 *       waiting request.</li>
 * </ul>
 */
public final class SwapSimulation {
    private SwapSimulation() {}

    public enum Policy { FIFO, LLAMA_SWAP, HEARTH }

    /** A model of the trace: what it takes from the budget, what a load and a stop cost, its max_wait. */
    public record Model(String name, long memoryBytes, Duration load, Duration stop, Duration maxWait,
                        int maxConcurrency) {}

    /** A request arriving at {@code at} (from the trace's start) that keeps its model busy for {@code service}. */
    public record Item(Duration at, String model, Duration service) {}

    /**
     * @param loads engine starts, the first of each model included
     * @param waits each item's wait from arrival to being served, in trace order
     * @param failed items the policy refused (Hearth: a queue timeout; never expected here)
     */
    public record Result(int loads, List<Duration> waits, int failed) {}

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    public static Result run(Policy policy, List<Model> models, long budgetBytes, List<Item> trace) {
        return switch (policy) {
            case HEARTH -> new HearthRun(models, budgetBytes, trace).run();
            case FIFO, LLAMA_SWAP -> new OneAtATime(policy == Policy.LLAMA_SWAP, models, trace).run();
        };
    }

    /** Simulated time: events in order of time, then of scheduling. */
    private abstract static class Clock {
        private record Event(Duration at, long seq, Runnable action) {}

        private final PriorityQueue<Event> events = new PriorityQueue<>(
                Comparator.comparing(Event::at).thenComparingLong(Event::seq));
        private long seq;
        Duration now = Duration.ZERO;

        void at(Duration t, Runnable action) {
            events.add(new Event(t, seq++, action));
        }

        void loop() {
            while (!events.isEmpty()) {
                Event e = events.poll();
                now = e.at();
                e.action().run();
            }
        }
    }

    /** The real core: each effect becomes an event at the time the trace says it takes. */
    private static final class HearthRun extends Clock implements Effects {
        private final Map<String, Model> models = new LinkedHashMap<>();
        private final List<Item> trace;
        private final Duration[] waits;
        private final SchedulerCore core;
        private int loads;
        private int failed;
        private int done;

        HearthRun(List<Model> models, long budgetBytes, List<Item> trace) {
            models.forEach(m -> this.models.put(m.name(), m));
            this.trace = trace;
            this.waits = new Duration[trace.size()];
            this.core = new SchedulerCore(config(models), budgetBytes, this);
        }

        Result run() {
            for (int i = 0; i < trace.size(); i++) {
                int id = i;
                Item item = trace.get(i);
                at(item.at(), () -> core.onRequest(id, item.model(), instant()));
            }
            at(Duration.ofSeconds(1), this::tick);
            loop();
            return new Result(loads, List.of(waits), failed);
        }

        /** The scheduler's ticker, once a second, until every item is served or refused. */
        private void tick() {
            core.onTick(instant());
            if (done < trace.size()) at(now.plusSeconds(1), this::tick);
        }

        private Instant instant() { return T0.plus(now); }

        @Override
        public void startEngine(String model, List<Integer> gpus) {
            loads++;
            at(now.plus(models.get(model).load()), () -> core.onLoaded(model, instant()));
        }

        @Override
        public void stopEngine(String model, StopReason reason) {
            at(now.plus(models.get(model).stop()), () -> core.onStopped(model, instant()));
        }

        @Override
        public void sleepEngine(String model, int level) {
            at(now.plus(models.get(model).stop()), () -> core.onAsleep(model, instant()));
        }

        @Override
        public void wakeEngine(String model) {
            loads++;
            at(now.plus(models.get(model).load()), () -> core.onLoaded(model, instant()));
        }

        @Override
        public boolean grant(long id, String model) {
            Item item = trace.get((int) id);
            waits[(int) id] = now.minus(item.at());
            at(now.plus(item.service()), () -> {
                done++;
                core.onRelease(model, id, instant());
            });
            return true;
        }

        @Override
        public void fail(long id, HearthException error) {
            failed++;
            done++;
            waits[(int) id] = now.minus(trace.get((int) id).at());
        }

        @Override
        public void loaded(long id, String model) {}

        @Override
        public void unloaded(long id, UnloadResult result) {}

        @Override
        public void pinned(long id, ModelStatus status) {}

        @Override
        public void revoke(String model, List<Long> leases, StopReason reason) {}

        @Override
        public void publish(ModelEvent event) {}

        private static HearthConfig config(List<Model> models) {
            // nothing unloads for idleness and nothing times out: the policy alone decides
            ServerConfig server = new ServerConfig("127.0.0.1", 0, Path.of("data"), "sqlite", 0, Duration.ZERO,
                    false, 1_000_000, Duration.ofDays(1), Duration.ZERO, Duration.ZERO, null);
            Map<String, ModelSpec> specs = new LinkedHashMap<>();
            for (Model m : models) {
                specs.put(m.name(), new ModelSpec(m.name(), Task.CHAT, EngineKind.PROCESS, List.of(), "simulated",
                        Map.of(), null, "/health", null, null, m.memoryBytes(), Duration.ZERO, false,
                        m.maxConcurrency(), 1_000_000, Duration.ofDays(1), m.load(), m.stop(), Map.of(), null, Map.of(),
                        null, null, new Sharing(m.maxWait(), Duration.ZERO)));
            }
            return new HearthConfig(server, specs, null);
        }
    }

    /** FIFO and llama-swap: one model loaded at a time, swapped when the policy says. */
    private static final class OneAtATime extends Clock {
        private final boolean groupByModel;
        private final Map<String, Model> models = new HashMap<>();
        private final List<Item> trace;
        private final Duration[] waits;
        private final Deque<Integer> queue = new ArrayDeque<>();
        private String loaded;
        private boolean swapping;
        private int serving;
        private int loads;

        OneAtATime(boolean groupByModel, List<Model> models, List<Item> trace) {
            this.groupByModel = groupByModel;
            models.forEach(m -> this.models.put(m.name(), m));
            this.trace = trace;
            this.waits = new Duration[trace.size()];
        }

        Result run() {
            for (int i = 0; i < trace.size(); i++) {
                int id = i;
                at(trace.get(i).at(), () -> {
                    queue.addLast(id);
                    dispatch();
                });
            }
            loop();
            return new Result(loads, List.of(waits), 0);
        }

        private void dispatch() {
            if (swapping || queue.isEmpty()) return;
            // FIFO serves the head of the line only; llama-swap any queued request of the loaded model
            List<Integer> servable = new ArrayList<>();
            for (int id : queue) {
                if (!trace.get(id).model().equals(loaded)) {
                    if (groupByModel) continue;
                    break;
                }
                servable.add(id);
            }
            int room = loaded == null ? 0 : models.get(loaded).maxConcurrency() - serving;
            for (int id : servable.subList(0, Math.min(room, servable.size()))) {
                queue.remove(id);
                serve(id);
            }
            if (serving == 0 && !queue.isEmpty()) swapTo(trace.get(queue.peekFirst()).model());
        }

        private void serve(int id) {
            Item item = trace.get(id);
            waits[id] = now.minus(item.at());
            serving++;
            at(now.plus(item.service()), () -> {
                serving--;
                dispatch();
            });
        }

        private void swapTo(String model) {
            swapping = true;
            Duration stop = loaded == null ? Duration.ZERO : models.get(loaded).stop();
            loaded = null;
            at(now.plus(stop).plus(models.get(model).load()), () -> {
                swapping = false;
                loaded = model;
                loads++;
                dispatch();
            });
        }
    }
}
