package dev.hearth.gateway;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One clock for every proxied request's {@link Deadline}: a thread that wakes once per tick while
 * requests are in flight and aborts those whose deadline has passed. A timer task per request
 * (as before) woke the timer thread twice per request whenever the new task came first in its queue
 * — at one client, every request — on the request's own path to its first token; here a request
 * only joins and leaves a set. The clock stops after a second with nothing to watch and starts
 * again with the next request.
 */
final class DeadlineClock {
    /** How often deadlines are looked at: a timeout fires at most this much after it passed. */
    static final Duration TICK = Duration.ofMillis(100);
    /** Ticks with nothing watched before the clock's thread stops ticking. */
    private static final int IDLE_TICKS = 10;

    private final long tickNanos;
    private final LongSupplier nanoTime;
    private final Set<Deadline> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("hearth-proxy-deadlines").factory());
    private boolean ticking; // guarded by this
    private int idleTicks; // guarded by this

    DeadlineClock(Duration tick) {
        this(tick, System::nanoTime);
    }

    DeadlineClock(Duration tick, LongSupplier nanoTime) {
        this.tickNanos = tick.toNanos();
        this.nanoTime = nanoTime;
    }

    long now() {
        return nanoTime.getAsLong();
    }

    void add(Deadline d) {
        watched.add(d);
        synchronized (this) {
            idleTicks = 0;
            if (!ticking) {
                ticking = true;
                schedule();
            }
        }
    }

    void remove(Deadline d) {
        watched.remove(d);
    }

    /** Whether the clock's thread is ticking (for tests). */
    synchronized boolean ticking() {
        return ticking;
    }

    /** One look at every watched deadline (the clock's thread calls it each tick). */
    void tick() {
        long now = now();
        for (Deadline d : watched) {
            try {
                d.check(now);
            } catch (RuntimeException e) {
                System.getLogger("hearth.gateway").log(System.Logger.Level.WARNING, "a proxy deadline failed", e);
            }
        }
    }

    private void schedule() {
        thread.schedule(this::run, tickNanos, TimeUnit.NANOSECONDS);
    }

    private void run() {
        try {
            tick();
        } finally {
            synchronized (this) {
                if (watched.isEmpty() && ++idleTicks >= IDLE_TICKS) {
                    ticking = false;
                } else {
                    schedule();
                }
            }
        }
    }
}
