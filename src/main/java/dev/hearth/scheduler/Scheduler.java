package dev.hearth.scheduler;

import dev.hearth.QueueFullException;
import dev.hearth.HearthException;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.Engine;
import dev.hearth.observe.Footprints.Footprint;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The one owner of every model's state (STYLE rule 1). Every {@link SchedulerCore} event runs
 * one at a time, in order ({@link SerialRunner}: on the posting thread when none is running);
 * public methods post an event and return a future.
 * Engine start/stop run on per-model lanes ({@link EngineLanes}) and come back as events;
 * a ticker posts onTick for idle unloads, queue timeouts and backoffs.
 *
 * <p>Futures are completed off the scheduler thread, so callers' dependent stages never run on it;
 * but a lease from {@link #acquireToWait}, which its caller only waits for, is completed on it (its
 * waiter woken directly, not through a thread started to complete it).
 */
public final class Scheduler implements ModelScheduler, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
    private static final Duration CLOSE_SLACK = Duration.ofSeconds(30);

    private final HearthConfig config;
    /** Resolves a model's name or alias: the one resolver, shared with the API. */
    private final Catalog catalog;
    private final Clock clock;
    private final SchedulerCore core;
    private final LongFunction<Optional<Footprint>> footprints;
    private final EngineLanes engines;
    private final OwnerLoop loop;
    private final ScheduledExecutorService ticker;
    /** Leases closed whose release event has not yet run and published its admission. */
    private final AtomicInteger releasing = new AtomicInteger();
    private final List<Consumer<ModelEvent>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Void> allStopped = new CompletableFuture<>();
    private volatile boolean closed;

    // Touched only on the owner thread.
    private boolean shutdownRan;
    private final Map<Long, CompletableFuture<Lease>> acquires = new HashMap<>();
    private final Map<Long, CompletableFuture<ModelStatus>> loads = new HashMap<>();
    private final Map<Long, CompletableFuture<UnloadResult>> unloads = new HashMap<>();
    private final Map<Long, CompletableFuture<ModelStatus>> pins = new HashMap<>();
    /** Leases handed out and not yet closed, so an unload can ask their holders to stop. */
    private final Map<Long, OwnedLease> granted = new java.util.concurrent.ConcurrentHashMap<>();

    public Scheduler(HearthConfig config, long budgetBytes, Function<ModelSpec, Engine> engines, Clock clock) {
        this(config, budgetBytes, engines, clock, Duration.ofSeconds(1));
    }

    /**
     * @param engines makes a fresh engine for each start of a model
     * @param tick    how often idle TTLs, queue timeouts and backoffs are checked
     */
    public Scheduler(HearthConfig config, long budgetBytes, Function<ModelSpec, Engine> engines, Clock clock,
                     Duration tick) {
        this(config, budgetBytes, engines, clock, tick, pid -> Optional.empty(), Duration.ZERO);
    }

    /**
     * @param footprints   (rule 8) the memory of a process tree by its root's pid; measured after each
     *                     load and every {@code measureEvery} while loaded, off the scheduler's thread
     * @param measureEvery zero = only after each load
     */
    public Scheduler(HearthConfig config, long budgetBytes, Function<ModelSpec, Engine> engines, Clock clock,
                     Duration tick, LongFunction<Optional<Footprint>> footprints, Duration measureEvery) {
        this(config, Device.pool(budgetBytes), engines, clock, tick, footprints, measureEvery);
    }

    /** @param devices the budget, device by device: each GPU, or the machine's one pool (rule 9) */
    public Scheduler(HearthConfig config, List<Device> devices, Function<ModelSpec, Engine> engines, Clock clock,
                     Duration tick, LongFunction<Optional<Footprint>> footprints, Duration measureEvery) {
        this.config = config;
        this.footprints = footprints;
        this.clock = clock;
        this.catalog = new Catalog(config);
        this.core = new SchedulerCore(config, devices, new OwnerEffects());
        this.engines = new EngineLanes(engines, new LaneResults());
        this.loop = new OwnerLoop(() -> core.publishAdmission(now()), () -> {
            if (shutdownRan && core.allStopped()) {
                allStopped.complete(null);
            }
        });
        this.ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("hearth-scheduler-tick").factory());
        ticker.scheduleAtFixedRate(() -> post(() -> core.onTick(now())),
                tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
        if (measureEvery.isPositive()) {
            ticker.scheduleAtFixedRate(() -> post(() -> core.status().stream().filter(m -> m.state().serving())
                    .forEach(m -> measure(m.name(), this.engines.current(m.name())))),
                    measureEvery.toMillis(), measureEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** (8) Measures the engine's process tree off the owner thread; the figure comes back as an event. */
    private void measure(String model, Engine engine) {
        java.util.OptionalLong pid = engine == null ? java.util.OptionalLong.empty() : engine.pid();
        if (pid.isEmpty()) return;
        try {
            loop.execute(() -> footprints.apply(pid.getAsLong()).ifPresent(f -> post(() -> {
                if (engines.current(model) == engine) core.onMeasured(model, f.bytes(), f.source(), f.whole(), now());
            })));
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    // ---- ModelScheduler ------------------------------------------------------------------------

    /**
     * A lease on the model (name or alias). Cancel the future to withdraw a waiting request;
     * a lease that was granted anyway is then released for you.
     */
    @Override
    public CompletableFuture<Lease> acquire(String model) {
        return acquire(model, null);
    }

    @Override
    public CompletableFuture<Lease> acquire(String model, Demand demand) {
        return acquire(model, demand, new CompletableFuture<>());
    }

    @Override
    public CompletableFuture<Lease> acquireToWait(String model) {
        return acquire(model, null, new OwnerLoop.Waited<>());
    }

    private CompletableFuture<Lease> acquire(String model, Demand demand, CompletableFuture<Lease> future) {
        QueueFullException full = queueFull(model);
        if (full != null) {
            return CompletableFuture.failedFuture(full);
        }
        return submit(model, acquires, future, (id, name) -> core.onRequest(id, name, now(), demand));
    }

    @Override
    public CompletableFuture<ModelStatus> pin(String model, boolean pinned) {
        return submit(model, pins, new CompletableFuture<>(), (id, name) -> core.onPin(id, name, pinned, now()));
    }

    @Override
    public List<DeviceUse> devices() {
        return call(() -> core.devices().stream().map(d -> new DeviceUse(d, core.usedOn(d.index()))).toList());
    }

    /**
     * The published refusal, read on the caller's thread; none while a lease handed back is still to be
     * counted (its event waiting behind another thread's): the request then goes through the owner,
     * which counts the release first, so a client's next request, sent the moment its last one ended,
     * is never refused for the lease of that last one.
     */
    @Override
    public QueueFullException queueFull(String model) {
        String name = nameOf(model);
        if (name == null || releasing.get() > 0) return null;
        return core.refusal(name);
    }

    @Override
    public CompletableFuture<ModelStatus> load(String model) {
        return submit(model, loads, new CompletableFuture<>(), (id, name) -> core.onLoadCommand(id, name, now()));
    }

    @Override
    public CompletableFuture<UnloadResult> unload(String model) {
        return submit(model, unloads, new CompletableFuture<>(), (id, name) -> core.onUnloadCommand(id, name, now()));
    }

    @Override
    public List<ModelStatus> status() { return call(core::status); }

    @Override
    public long budgetBytes() { return core.budgetBytes(); }

    @Override
    public long usedBytes() { return call(core::usedBytes); }

    /** The engine of the model's latest start (for its logs), or null if it never started. */
    public Engine engine(String model) {
        String name = nameOf(model);
        return name == null ? null : engines.current(name);
    }

    /**
     * Observes loads, unloads (with reason), failures and crashes, in order. Called on the
     * scheduler thread: a listener must hand the event on and return, never block.
     */
    @Override
    public void addListener(Consumer<ModelEvent> listener) { listeners.add(listener); }

    @Override
    public void removeListener(Consumer<ModelEvent> listener) { listeners.remove(listener); }

    /**
     * Graceful shutdown: fails waiting requests, stops every engine (one still loading is stopped
     * once its start returns) and waits for them to be gone, bounded by start + stop timeouts.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        post(() -> {
            core.onShutdown(now());
            shutdownRan = true;
        });
        Duration limit = closeTimeout();
        try {
            allStopped.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, "engines still running after " + limit + ": " + status());
        } catch (ExecutionException e) {
            LOG.log(System.Logger.Level.WARNING, "shutdown failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop.closeEvents(CLOSE_SLACK);
        engines.close(CLOSE_SLACK);
        loop.closeCompletions();
    }

    // ---- plumbing ------------------------------------------------------------------------------

    /** The configured name of a model named by name or alias, or null when none is. */
    private String nameOf(String model) {
        return model == null ? null : catalog.resolve(model).map(ModelSpec::name).orElse(null);
    }

    private interface Command {
        void run(long id, String model);
    }

    private <T> CompletableFuture<T> submit(String model, Map<Long, CompletableFuture<T>> pending,
                                            CompletableFuture<T> future, Command command) {
        String name = nameOf(model);
        if (name == null) {
            return CompletableFuture.failedFuture(new UnknownModelException(model));
        }
        long id = ids.incrementAndGet();
        boolean posted = post(() -> {
            if (!future.isDone()) { // cancelled before the scheduler saw it
                pending.put(id, future);
                command.run(id, name);
            }
        });
        if (!posted) {
            future.completeExceptionally(Refusals.shuttingDown());
            return future;
        }
        // Cancelled or timed out by the caller: withdraw it, unless we completed it ourselves.
        future.whenComplete((value, error) -> {
            if (error != null) {
                post(() -> {
                    if (pending.remove(id) != null) {
                        core.onCancel(id, now());
                    }
                });
            }
        });
        return future;
    }

    /** Runs an event as the owner (see {@link OwnerLoop}); false once closed. */
    private boolean post(Runnable event) {
        return loop.post(event);
    }

    /** A read as the owner, so it never sees a half-made decision. */
    private <T> T call(Supplier<T> read) {
        return loop.call(read);
    }

    private Instant now() { return clock.instant(); }

    private Duration closeTimeout() {
        Duration longest = Duration.ZERO;
        for (ModelSpec spec : config.models().values()) {
            Duration d = orZero(spec.startTimeout()).plus(orZero(spec.stopGrace()));
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest.plus(CLOSE_SLACK);
    }

    private static Duration orZero(Duration d) { return d == null ? Duration.ZERO : d; }

    /** The core's effects, run on the owner thread. */
    private final class OwnerEffects implements Effects {
        @Override
        public void startEngine(String model, List<Integer> gpus) {
            ModelSpec spec = config.models().get(model);
            // (9) the engine sees only its GPUs, unless its own env already chose them
            engines.start(gpus.isEmpty() || spec.env().containsKey("CUDA_VISIBLE_DEVICES") ? spec
                    : spec.withEnv("CUDA_VISIBLE_DEVICES", gpus.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(","))));
        }

        @Override
        public void stopEngine(String model, StopReason reason) { engines.stop(model); }

        @Override
        public void sleepEngine(String model, int level) { engines.sleep(model, level); }

        @Override
        public void wakeEngine(String model) { engines.wake(model); }

        @Override
        public boolean grant(long id, String model) {
            CompletableFuture<Lease> future = acquires.remove(id);
            if (future == null || future.isDone()) {
                return false;
            }
            OwnedLease lease = new OwnedLease(id, model, engines.current(model), () -> {
                granted.remove(id);
                releasing.incrementAndGet();
                boolean posted = post(() -> {
                    loop.afterEventHere(releasing::decrementAndGet); // once the admission after it is published
                    core.onRelease(model, id, now());
                });
                if (!posted) releasing.decrementAndGet();
            });
            granted.put(id, lease);
            // Cancelled between the check and here: the caller never sees the lease, so release it.
            loop.afterEvent(future, () -> {
                if (!future.complete(lease)) {
                    lease.close();
                }
            });
            return true;
        }

        @Override
        public void fail(long id, HearthException error) {
            CompletableFuture<?> future = acquires.remove(id);
            future = future != null ? future : loads.remove(id);
            future = future != null ? future : unloads.remove(id);
            future = future != null ? future : pins.remove(id);
            if (future != null) {
                CompletableFuture<?> f = future;
                loop.afterEvent(f, () -> f.completeExceptionally(error));
            }
        }

        @Override
        public void loaded(long id, String model) {
            ModelStatus status = core.status().stream().filter(s -> s.name().equals(model)).findFirst().orElseThrow();
            loop.complete(loads.remove(id), status);
        }

        @Override
        public void unloaded(long id, UnloadResult result) { loop.complete(unloads.remove(id), result); }

        @Override
        public void pinned(long id, ModelStatus status) { loop.complete(pins.remove(id), status); }

        @Override
        public void revoke(String model, List<Long> leases, StopReason reason) {
            String why = reason == StopReason.SHUTDOWN ? "Hearth is shutting down."
                    : "Model '" + model + "' was unloaded while answering this request; send it again to load the model again.";
            for (long id : leases) {
                OwnedLease lease = granted.get(id);
                if (lease != null) {
                    loop.execute(() -> lease.revoke(why));
                }
            }
        }

        @Override
        public void publish(ModelEvent event) {
            for (Consumer<ModelEvent> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "model event listener failed", e);
                }
            }
        }
    }

    /** Engine outcomes, posted back onto the owner thread. */
    private final class LaneResults implements EngineLanes.Results {
        @Override
        public void loaded(String model, Engine engine) {
            post(() -> core.onLoaded(model, now()));
            measure(model, engine);
        }

        @Override
        public void loadFailed(String model, Engine engine, String message) {
            post(() -> core.onLoadFailed(model, message, now()));
        }

        @Override
        public void crashed(String model, Engine engine, String reason) {
            post(() -> {
                if (engines.current(model) == engine) { // not a late word from an earlier run
                    core.onCrashed(model, reason, now());
                }
            });
        }

        @Override
        public void stopped(String model, Engine engine) { post(() -> core.onStopped(model, now())); }

        @Override
        public void asleep(String model, Engine engine) { post(() -> core.onAsleep(model, now())); }

        @Override
        public void sleepFailed(String model, Engine engine, String message) {
            post(() -> core.onSleepFailed(model, message, now()));
        }
    }
}
