package dev.hearth.scheduler;

import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.Engine;
import dev.hearth.EngineException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the blocking engine calls off the scheduler thread. Each model has one lane, a
 * single-thread executor on a virtual thread, so its start(), stop(), sleep() and wake() run one at
 * a time and in the order issued — as {@link Engine} requires — while different models load in
 * parallel.
 *
 * <p>A fresh {@link Engine} is made for every start: an engine's {@link Engine#crashed()} future
 * belongs to one run, and an instance from an earlier run can then never be confused with the
 * current one.
 */
final class EngineLanes {

    /** Where results go; the scheduler posts each onto its own thread. */
    interface Results {
        void loaded(String model, Engine engine);

        void loadFailed(String model, Engine engine, String message);

        void crashed(String model, Engine engine, String reason);

        void stopped(String model, Engine engine);

        void asleep(String model, Engine engine);

        void sleepFailed(String model, Engine engine, String message);
    }

    private static final System.Logger LOG = System.getLogger(EngineLanes.class.getName());

    private final Function<ModelSpec, Engine> factory;
    private final Results results;
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();
    private final Map<String, Engine> current = new ConcurrentHashMap<>();

    EngineLanes(Function<ModelSpec, Engine> factory, Results results) {
        this.factory = factory;
        this.results = results;
    }

    /** The engine of the model's latest start, or null if it never started. */
    Engine current(String model) {
        return current.get(model);
    }

    void start(ModelSpec spec) {
        String model = spec.name();
        Engine engine;
        try {
            engine = factory.apply(spec);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot create engine for " + model, e);
            submit(model, () -> results.loadFailed(model, null, describe(e)));
            return;
        }
        current.put(model, engine);
        submit(model, () -> run(model, engine));
    }

    private void run(String model, Engine engine) {
        try {
            engine.start();
        } catch (Throwable t) {
            // A start that timed out may leave a process behind; stop() is idempotent, and memory
            // is counted free only once it is surely gone (rule 6).
            stopQuietly(engine);
            results.loadFailed(model, engine, describe(t));
            return;
        }
        results.loaded(model, engine); // before the hook: a crash must never arrive ahead of its load
        engine.crashed().thenAccept(reason -> {
            // Reap whatever the crash left (children of the process) before anything restarts it.
            submit(model, () -> stopQuietly(engine));
            results.crashed(model, engine, reason);
        });
    }

    void stop(String model) {
        Engine engine = current.get(model);
        submit(model, () -> {
            stopQuietly(engine);
            results.stopped(model, engine);
        });
    }

    /** (10) Puts the current engine to sleep; the same instance is woken later, its crash hook still set. */
    void sleep(String model, int level) {
        Engine engine = current.get(model);
        submit(model, () -> {
            try {
                engine.sleep(level);
            } catch (Throwable t) {
                results.sleepFailed(model, engine, describe(t));
                return;
            }
            results.asleep(model, engine);
        });
    }

    /** (10) Wakes the current engine; one that will not wake is stopped, like a start that failed. */
    void wake(String model) {
        Engine engine = current.get(model);
        submit(model, () -> {
            try {
                engine.wake();
            } catch (Throwable t) {
                stopQuietly(engine);
                results.loadFailed(model, engine, describe(t));
                return;
            }
            results.loaded(model, engine);
        });
    }

    /** Waits for queued starts and stops to finish, then ends the lanes. */
    boolean close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        lanes.values().forEach(ExecutorService::shutdown);
        boolean all = true;
        for (ExecutorService lane : lanes.values()) {
            try {
                all &= lane.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return all;
    }

    private void submit(String model, Runnable task) {
        try {
            lane(model).execute(task);
        } catch (RejectedExecutionException closed) {
            LOG.log(System.Logger.Level.DEBUG, "engine lane of " + model + " is closed");
        }
    }

    private ExecutorService lane(String model) {
        return lanes.computeIfAbsent(model, m ->
                Executors.newSingleThreadExecutor(Thread.ofVirtual().name("hearth-engine-" + m).factory()));
    }

    private static void stopQuietly(Engine engine) {
        if (engine == null) {
            return;
        }
        try {
            engine.stop();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stopping " + engine.model() + " failed", e);
        }
    }

    /** The engine's own words when it gave any; never a stack trace (clients see this). */
    private static String describe(Throwable t) {
        if (t instanceof EngineException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
