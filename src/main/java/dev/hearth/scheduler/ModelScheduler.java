package dev.hearth.scheduler;

import dev.hearth.NoCapacityException;
import dev.hearth.QueueFullException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the API and the jobs ask of the scheduler (named apart from the catalog, which lists models). Futures fail with
 * {@link SchedulerException} subclasses (or {@link dev.hearth.EngineException}).
 */
public interface ModelScheduler {

    /**
     * A lease on the model's ready engine: loads it first when needed (evicting idle models to fit
     * the budget) or waits in the model's bounded queue. Completes exceptionally with
     * {@link QueueFullException} (429), {@link NoCapacityException} (503, after the queue timeout)
     * or {@link dev.hearth.EngineException} (502, the load failed).
     * Cancelling the returned future before it completes withdraws the request from the queue.
     */
    CompletableFuture<Lease> acquire(String model);

    /**
     * {@link #acquire(String)} for a request that stands for more work than itself: the job
     * dispatcher's lease for its model's queued jobs (rule 7 orders by their age). Null = itself.
     */
    default CompletableFuture<Lease> acquire(String model, Demand demand) {
        return acquire(model);
    }

    /**
     * {@link #acquire(String)} for a caller that only waits for the lease ({@code get}, {@code join},
     * {@code cancel}) and attaches no dependent stage: the scheduler may then complete it on its own
     * thread, a hand-off fewer on every request.
     */
    default CompletableFuture<Lease> acquireToWait(String model) {
        return acquire(model);
    }

    /**
     * The 429 that {@link #acquire} would answer at once because the model's queue is full, or null;
     * cheap and never waiting on the scheduler, so the gateway refuses a storm before parsing bodies.
     */
    default QueueFullException queueFull(String model) { return null; }

    /** Loads the model now (POST /api/models/{m}/load); completes when it is ready. */
    CompletableFuture<ModelStatus> load(String model);

    /**
     * Unloads the model (POST /api/models/{m}/unload): proxied requests in flight are told to end
     * ({@link Lease#onRevoke}), running jobs finish first.
     */
    CompletableFuture<UnloadResult> unload(String model);

    List<ModelStatus> status();

    /** Whether {@code model} is loaded and serving now (ready or busy): a lease would not start it. */
    default boolean loaded(String model) {
        return status().stream().anyMatch(s -> s.name().equals(model)
                && (s.state() == ModelState.READY || s.state() == ModelState.BUSY));
    }

    /**
     * Pins the model (never evicted to make room for another) or unpins it, until Hearth restarts
     * (POST /api/models/{m}/pin, /unpin); {@code pinned: true} in hearth.yaml is the lasting way.
     */
    default CompletableFuture<ModelStatus> pin(String model, boolean pinned) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("pin"));
    }

    /** One device of the budget and what the loaded models take of it (rule 9). */
    record DeviceUse(Device device, long usedBytes) {}

    /** The budget, device by device; one pool where there is no GPU placement. */
    default List<DeviceUse> devices() {
        return List.of(new DeviceUse(Device.pool(budgetBytes()).getFirst(), usedBytes()));
    }

    /** Budget in bytes. */
    long budgetBytes();

    /** Bytes taken by loaded and loading models. */
    long usedBytes();

    /** Hears every model event; runs on the scheduler's thread, so it must hand the event on and return. */
    void addListener(java.util.function.Consumer<ModelEvent> listener);

    void removeListener(java.util.function.Consumer<ModelEvent> listener);
}
