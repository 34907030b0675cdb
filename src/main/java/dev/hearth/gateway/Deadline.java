package dev.hearth.gateway;

import dev.hearth.config.ProxyTimeouts;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The first-byte and between-chunk timeouts of one proxied request. A chunk only moves the
 * deadline (one volatile write per token); the one timer task per request, when it fires early,
 * sleeps again for what is left. When the deadline passes the request is aborted with a 504.
 */
final class Deadline implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = timer();

    private final Abort abort;
    private final String model;
    private final ProxyTimeouts timeouts;
    private final long chunkNanos;
    private volatile long deadline;
    private volatile boolean chunked; // a chunk has arrived: the chunk timeout applies from now on
    private volatile boolean closed;
    private ScheduledFuture<?> task; // guarded by this

    private Deadline(Abort abort, String model, ProxyTimeouts timeouts) {
        this.abort = abort;
        this.model = model;
        this.timeouts = timeouts;
        this.chunkNanos = timeouts.chunk().toNanos();
    }

    /** Starts the first-byte clock (none when first_byte_timeout is 0). */
    static Deadline start(Abort abort, String model, ProxyTimeouts timeouts) {
        Deadline d = new Deadline(abort, model, timeouts);
        if (!timeouts.firstByte().isZero()) {
            d.deadline = System.nanoTime() + timeouts.firstByte().toNanos();
            d.schedule(timeouts.firstByte().toNanos());
        }
        return d;
    }

    /** Bytes arrived: the engine has until now + chunk_timeout for the next ones. */
    void chunkArrived() {
        if (chunkNanos == 0) {
            if (!chunked) { // the first byte ends the first-byte clock, and no chunk clock follows
                chunked = true;
                cancel();
            }
            return;
        }
        deadline = System.nanoTime() + chunkNanos;
        if (!chunked) { // the first byte: the chunk clock replaces the (longer) first-byte one
            chunked = true;
            cancel();
            schedule(chunkNanos);
        }
    }

    private synchronized void schedule(long nanos) {
        if (!closed) {
            task = TIMER.schedule(this::check, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void check() {
        if (closed) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        boolean mid = chunked;
        if (mid && chunkNanos == 0) {
            return; // the first byte came just in time, and no chunk clock follows
        }
        abort.abort(mid ? Abort.Reason.CHUNK_TIMEOUT : Abort.Reason.FIRST_BYTE_TIMEOUT, mid
                ? Abort.timeout(model, "went silent for " + Abort.human(timeouts.chunk()) + " mid-answer",
                        "chunk_timeout")
                : Abort.timeout(model, "did not start answering within " + Abort.human(timeouts.firstByte()),
                        "first_byte_timeout"));
    }

    private synchronized void cancel() {
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public void close() {
        closed = true;
        cancel();
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor t = (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1,
                Thread.ofPlatform().daemon().name("hearth-proxy-deadlines").factory());
        t.setRemoveOnCancelPolicy(true); // thousands of finished requests must not linger in its queue
        return t;
    }
}
