package dev.hearth.scheduler;

import dev.hearth.catalog.HearthConfig;

import java.time.Instant;

/** A core driven by hand against {@link RecordingEffects}: no threads, time as values. */
abstract class CoreTestSupport {
    static final long GIB = Specs.GIB;
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    final RecordingEffects fx = new RecordingEffects();
    SchedulerCore core;
    private long nextId = 1;

    static Instant at(long seconds) { return T0.plusSeconds(seconds); }

    void use(HearthConfig config, long budgetBytes) {
        core = new SchedulerCore(config, budgetBytes, fx);
    }

    void use(HearthConfig config, java.util.List<Device> devices) {
        core = new SchedulerCore(config, devices, fx);
    }

    long request(String model, long atSeconds) {
        long id = nextId++;
        core.onRequest(id, model, at(atSeconds));
        return id;
    }

    long loadCommand(String model, long atSeconds) {
        long id = nextId++;
        core.onLoadCommand(id, model, at(atSeconds));
        return id;
    }

    long unloadCommand(String model, long atSeconds) {
        long id = nextId++;
        core.onUnloadCommand(id, model, at(atSeconds));
        return id;
    }

    /** Loads the model and leaves it idle since {@code idleAt}. */
    void readyAndIdle(String model, long loadedAt, long idleAt) {
        long id = request(model, loadedAt);
        core.onLoaded(model, at(loadedAt));
        core.onRelease(model, id, at(idleAt));
    }

    /**
     * Answers every start and stop the core asked for at once (a load or a stop that costs no time),
     * calling {@code each} after every model looked at, until nothing changes.
     */
    void settle(long t, Runnable each) {
        for (boolean changed = true; changed; ) {
            changed = false;
            for (ModelStatus m : core.status()) {
                if (m.state() == ModelState.LOADING) {
                    core.onLoaded(m.name(), at(t));
                    changed = true;
                } else if (m.state() == ModelState.UNLOADING) {
                    core.onStopped(m.name(), at(t));
                    changed = true;
                }
                each.run();
            }
        }
    }

    ModelStatus status(String model) {
        return core.status().stream().filter(s -> s.name().equals(model)).findFirst().orElseThrow();
    }
}
