package dev.hearth.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The {@link Scheduler}'s events, one at a time, in order ({@link SerialRunner}), and what follows
 * each: the admission it leaves published ({@code publish}), then the futures it completed. Those
 * are completed only after that publication, so a caller that got its lease (or 429) and asks again
 * at once never meets the admission of the moment before (a queue that was full until that very
 * grant). A future only waited for ({@link Waited}) is completed on the event's own thread, its
 * waiter woken directly; any other on a virtual thread, so callers' dependent stages never run here.
 */
final class OwnerLoop {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());

    /** A future its caller only waits for: completing it runs nothing of the caller's on the owner thread. */
    static final class Waited<T> extends CompletableFuture<T> {}

    private final SerialRunner owner = new SerialRunner("hearth-scheduler");
    private final ExecutorService completions = Executors.newVirtualThreadPerTaskExecutor();
    private final Runnable publish;
    private final Runnable settled;
    // Touched only on the owner thread.
    private final List<Runnable> afterEvent = new ArrayList<>();
    private final List<Runnable> afterEventHere = new ArrayList<>();

    /**
     * @param publish run as the owner after each event that did not fail (publishes its admission)
     * @param settled run as the owner after each event, once its futures are handed on
     */
    OwnerLoop(Runnable publish, Runnable settled) {
        this.publish = publish;
        this.settled = settled;
    }

    /** Runs an event as the owner; false once closed. */
    boolean post(Runnable event) {
        return owner.post(() -> {
            try {
                event.run();
                publish.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "scheduler event failed", e);
            } finally {
                afterEvent.forEach(completions::execute);
                afterEvent.clear();
                afterEventHere.forEach(Runnable::run);
                afterEventHere.clear();
            }
            settled.run();
        });
    }

    /** A read as the owner, so it never sees a half-made decision. */
    <T> T call(Supplier<T> read) {
        if (owner.isRunnerThread() || owner.isTerminated()) {
            return read.get();
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        if (!owner.post(() -> {
            try {
                answer.complete(read.get());
            } catch (RuntimeException | Error e) {
                answer.completeExceptionally(e);
            }
        })) {
            return read.get(); // closing: no event runs any more
        }
        return answer.join();
    }

    /** Completes the future once the current event's admission is published (owner thread only). */
    void afterEvent(CompletableFuture<?> future, Runnable completion) {
        (future instanceof Waited ? afterEventHere : afterEvent).add(completion);
    }

    /** Runs {@code r} as the owner once the current event's admission is published (owner thread only). */
    void afterEventHere(Runnable r) {
        afterEventHere.add(r);
    }

    <T> void complete(CompletableFuture<T> future, T value) {
        if (future != null) {
            afterEvent(future, () -> future.complete(value));
        }
    }

    /** Work off the owner thread (measurements, revocations). */
    void execute(Runnable work) {
        completions.execute(work);
    }

    /** Stops taking events, letting those posted run for at most {@code max}. */
    void closeEvents(Duration max) {
        owner.close(max);
    }

    /** Waits for the work handed off the owner thread to end. */
    void closeCompletions() {
        completions.close();
    }
}
