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
 * about once a second, whatever it was written to do, and one that honours {@code Retry-After} (a
 * second at least) loses nothing, as it would not have come back sooner. An occasional 429 is
 * answered at once. A held request is one parked virtual thread; the server stopping ends the hold.
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

    /** A request to {@code model} is being refused: waits {@link #HOLD} first when the model is refusing a storm. */
    public void refusing(String model) {
        if (!hold(model)) return;
        try {
            Thread.sleep(HOLD);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt(); // answer now: the server is stopping
        }
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
