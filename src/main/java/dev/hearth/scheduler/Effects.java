package dev.hearth.scheduler;

import dev.hearth.HearthException;

import java.util.List;

/**
 * Everything {@link SchedulerCore} does to the world. The core calls these from its one thread
 * and never blocks on them: engine work runs elsewhere and comes back as On* events.
 */
interface Effects {

    /**
     * Start the model's engine; answer with onLoaded or onLoadFailed.
     *
     * @param gpus the GPU indexes it runs on ({@code CUDA_VISIBLE_DEVICES}); empty on a machine without GPU placement
     */
    void startEngine(String model, List<Integer> gpus);

    /** (10) Put the model's engine to sleep at this level; answer with onAsleep or onSleepFailed. */
    void sleepEngine(String model, int level);

    /** (10) Wake the model's sleeping engine; answer with onLoaded or onLoadFailed (the engine then stopped). */
    void wakeEngine(String model);

    /** Stop the model's engine (graceful, then kill); answer with onStopped once the process is gone. */
    void stopEngine(String model, StopReason reason);

    /**
     * Hand request {@code id} a lease on the model's ready engine.
     *
     * @return false when the caller already gave up (cancelled); the core then counts no lease
     */
    boolean grant(long id, String model);

    /** Fail request or command {@code id}. */
    void fail(long id, HearthException error);

    /** Answer load command {@code id}: the model is ready. */
    void loaded(long id, String model);

    /** Answer pin or unpin command {@code id} with the model as it is now. */
    void pinned(long id, ModelStatus status);

    /** Answer unload command {@code id}. */
    void unloaded(long id, UnloadResult result);

    /**
     * Ask the holders of these leases to end their work now (an unload or shutdown must not wait for a
     * request to a hung engine); each releases its lease when it has. Holders that cannot stop early
     * (a running job) finish as before.
     */
    void revoke(String model, List<Long> leases, StopReason reason);

    /** Tell observers (/api/events, metrics). */
    void publish(ModelEvent event);
}
