package dev.hearth.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Coalesces one job's progress lines: a worker may report every step many times a second, and each
 * write is an UPDATE (and a read for the job's listeners). The first line is written at once, then at
 * most one per {@link #EVERY}; a line that has to wait is kept as the pending one (a newer line replaces
 * it) and written when its time comes ({@link #dueIn}, {@link #drain}) or before the job's end, so the
 * last progress is never lost. Pure: the clock is injected; the caller writes and schedules.
 */
final class ProgressThrottle {
    static final Duration EVERY = Duration.ofMillis(250);

    private final Clock clock;
    private Instant lastWrite;                               // guarded by this
    private Job.Progress pending;                            // guarded by this

    ProgressThrottle(Clock clock) {
        this.clock = clock;
    }

    /** @return the line to write now, or null when it waits as the pending line */
    synchronized Job.Progress offer(Job.Progress line) {
        Instant now = clock.instant();
        if (lastWrite == null || !now.isBefore(lastWrite.plus(EVERY))) {
            lastWrite = now;
            pending = null;
            return line;
        }
        pending = line;
        return null;
    }

    /** How long until the pending line may be written; zero when it may be now. */
    synchronized Duration dueIn() {
        if (lastWrite == null) return Duration.ZERO;
        Duration left = Duration.between(clock.instant(), lastWrite.plus(EVERY));
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The pending line, to write now (its time came, or the job ends); null when there is none. */
    synchronized Job.Progress drain() {
        Job.Progress p = pending;
        pending = null;
        if (p != null) lastWrite = clock.instant();
        return p;
    }
}
