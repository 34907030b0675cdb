package dev.hearth.gateway;

import java.time.Duration;

import dev.hearth.config.ProxyTimeouts;

/**
 * The first-byte and between-chunk timeouts of one proxied request. A chunk only moves the
 * deadline (one volatile write per token); {@link DeadlineClock} looks at every request in flight
 * once per tick, so a request costs no timer task and no timer-thread wake-up of its own. When the
 * deadline has passed the request is aborted with a 504 (or a final error event), at most one tick
 * late.
 */
final class Deadline implements AutoCloseable {
    private static final DeadlineClock CLOCK = new DeadlineClock(DeadlineClock.TICK);

    private final Abort abort;
    private final String model;
    private final ProxyTimeouts timeouts;
    private final long chunkNanos;
    private final DeadlineClock clock;
    private volatile long deadline;
    private volatile boolean chunked; // a chunk has arrived: the chunk timeout applies from now on
    private volatile boolean closed;
    private volatile boolean ending; // the client has its whole answer; the engine is left to end its own

    private Deadline(Abort abort, String model, ProxyTimeouts timeouts, DeadlineClock clock) {
        this.abort = abort;
        this.model = model;
        this.timeouts = timeouts;
        this.chunkNanos = timeouts.chunk().toNanos();
        this.clock = clock;
    }

    /** Starts the first-byte clock (none when first_byte_timeout is 0). */
    static Deadline start(Abort abort, String model, ProxyTimeouts timeouts) {
        return start(abort, model, timeouts, CLOCK);
    }

    static Deadline start(Abort abort, String model, ProxyTimeouts timeouts, DeadlineClock clock) {
        Deadline d = new Deadline(abort, model, timeouts, clock);
        if (!timeouts.firstByte().isZero()) {
            d.deadline = clock.now() + timeouts.firstByte().toNanos();
            clock.add(d);
        }
        return d;
    }

    /** Bytes arrived: the engine has until now + chunk_timeout for the next ones. */
    void chunkArrived() {
        if (chunkNanos == 0) {
            if (!chunked) { // the first byte ends the first-byte clock, and no chunk clock follows
                chunked = true;
                clock.remove(this);
            }
            return;
        }
        deadline = clock.now() + chunkNanos;
        if (!chunked) { // the first byte: the chunk clock replaces the (longer) first-byte one
            chunked = true;
            clock.add(this); // already there unless first_byte_timeout is 0
        }
    }

    /**
     * The client has its whole answer: the engine has at most {@code grace} (its chunk timeout if that is
     * shorter) to end the exchange, and is then cut off, so a lingering engine cannot hold the request.
     */
    void ending(Duration grace) {
        long nanos = chunkNanos == 0 ? grace.toNanos() : Math.min(chunkNanos, grace.toNanos());
        ending = true;
        chunked = true;
        deadline = clock.now() + nanos;
        clock.add(this);
    }

    /** The clock's look at this request: aborts it when its deadline has passed. */
    void check(long now) {
        if (closed || deadline - now > 0) {
            return;
        }
        boolean mid = chunked;
        if (mid && chunkNanos == 0 && !ending) {
            return; // the first byte came just in time, and no chunk clock follows
        }
        clock.remove(this);
        abort.abort(mid ? Abort.Reason.CHUNK_TIMEOUT : Abort.Reason.FIRST_BYTE_TIMEOUT, mid
                ? Abort.timeout(model, "went silent for " + Abort.human(timeouts.chunk()) + " mid-answer",
                        "chunk_timeout")
                : Abort.timeout(model, "did not start answering within " + Abort.human(timeouts.firstByte()),
                        "first_byte_timeout"));
    }

    @Override
    public void close() {
        closed = true;
        clock.remove(this);
    }
}
