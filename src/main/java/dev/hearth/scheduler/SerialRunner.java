package dev.hearth.scheduler;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs the scheduler's events one at a time, in the order they were posted, each seeing all that
 * the ones before it did: the single owner of {@link SchedulerCore} (STYLE rule 1). Whoever posts
 * an event while none is running runs it on its own thread, and any posted meanwhile, instead of
 * handing it to a thread of the scheduler's own and waiting to be woken: a request for a model with
 * room is granted its lease without a thread hand-off (two wake-ups fewer per request, ~50–90 µs on
 * a small VM; BENCHMARKS.md). A thread runs at most {@link #SHARE} events that others posted before
 * a virtual thread of the runner's own takes the rest, so no request waits long behind others' work.
 */
final class SerialRunner {
    /** Events one posting thread runs at most before it passes the rest on. */
    static final int SHARE = 64;

    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final ExecutorService own;
    private volatile Thread runner;
    private volatile boolean closed;

    SerialRunner(String threadName) {
        this.own = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(threadName).factory());
    }

    /** Runs the event now on this thread, or after those before it; false once closed. */
    boolean post(Runnable event) {
        if (closed) {
            return false;
        }
        events.add(event);
        if (runner != Thread.currentThread()) { // an event that posts another: it runs after this one
            runEvents(SHARE);
        }
        return true;
    }

    /** Whether the calling thread is running events now (a read from inside an event needs no post). */
    boolean isRunnerThread() {
        return runner == Thread.currentThread();
    }

    /** Closed and every event posted before has run. */
    boolean isTerminated() {
        return closed && !running.get() && events.isEmpty();
    }

    private void runEvents(int share) {
        // a thread that finds another running leaves its event to it: that one looks again after it stops
        while (!events.isEmpty() && running.compareAndSet(false, true)) {
            int left = share;
            runner = Thread.currentThread();
            try {
                for (Runnable e; left > 0 && (e = events.poll()) != null; left--) {
                    e.run();
                }
            } finally {
                runner = null;
                running.set(false);
            }
            if (left == 0 && !events.isEmpty()) {
                try {
                    own.execute(() -> runEvents(Integer.MAX_VALUE));
                    return;
                } catch (RejectedExecutionException closing) {
                    // closing: this thread runs the rest
                }
            }
        }
    }

    /** Refuses new events, runs those already posted and waits (up to {@code max}) for one still running. */
    void close(Duration max) {
        closed = true;
        runEvents(Integer.MAX_VALUE);
        long giveUpAt = System.nanoTime() + max.toNanos();
        while (!isTerminated() && System.nanoTime() < giveUpAt) {
            LockSupport.parkNanos(100_000); // an event runs for microseconds; bounded by max
            runEvents(Integer.MAX_VALUE);
        }
        own.close();
    }
}
