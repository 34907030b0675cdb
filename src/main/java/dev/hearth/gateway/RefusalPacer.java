package dev.hearth.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Paces a storm of refusals. Clients that retry a 429 at once, ignoring its {@code Retry-After}, turn
 * a full queue into a loop that takes the CPU from the requests being served (on a small machine the
 * engine's own). So a model that has refused more than {@link #BURST} requests within the past second
 * answers each further refusal only after {@link #HOLD}: a client that retries at once then retries
 * about once a second, whatever it was written to do. The time held is taken off the refusal's
 * {@code Retry-After} ({@link #retryAfter}; a second at least), so a client that honours it comes back
 * when it would have without the hold, unless the wait was under two seconds. An occasional 429 is
 * answered at once. A held request is its connection's thread, parked (a platform thread for the first
 * {@link Http1Front#MAX_THREADS} connections, then a virtual one); the server stopping ends the hold.
 * Every 429 for a full queue (requests or jobs) is answered through {@link Errors#send}, which asks
 * the one pacer of the process, {@link #SHARED}.
 */
public final class RefusalPacer {
    public static final RefusalPacer SHARED = new RefusalPacer();
    /** Refusals of one model within a second that are answered at once. */
    public static final int BURST = 10;
    /** How long each refusal beyond the burst waits before it is answered. */
    public static final Duration HOLD = Duration.ofSeconds(1);
    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    private RefusalPacer() {
        this(System::nanoTime);
    }

    RefusalPacer(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * A request to {@code model} is being refused: waits {@link #HOLD} first when the model is refusing
     * a storm. Returns how long it waited.
     */
    public Duration refusing(String model) {
        if (!hold(model)) return Duration.ZERO;
        long start = System.nanoTime();
        try {
            Thread.sleep(HOLD);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt(); // answer now: the server is stopping
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * The {@code Retry-After} seconds of a refusal whose expected wait was {@code expectedSeconds} when
     * it was refused and that was then held for {@code held}: the rest of the wait, a second at least.
     */
    public static long retryAfter(long expectedSeconds, Duration held) {
        return Math.max(1, expectedSeconds - held.toSeconds());
    }

    /** Whether this refusal of {@code model} is past the second's burst. */
    boolean hold(String model) {
        Window w = windows.computeIfAbsent(model, k -> new Window(nanoTime.getAsLong()));
        long now = nanoTime.getAsLong();
        if (now - w.start >= SECOND) {
            synchronized (w) {
                if (now - w.start >= SECOND) {
                    w.start = now;
                    w.count.set(0);
                }
            }
        }
        return w.count.incrementAndGet() > BURST;
    }

    private static final class Window {
        volatile long start;
        final AtomicInteger count = new AtomicInteger();

        Window(long start) { this.start = start; }
    }
}
