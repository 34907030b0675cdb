package dev.hearth.jobs;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 7: "every progress line costs an UPDATE and a SELECT" — at most one write per 250 ms, the last kept. */
class ProgressThrottleTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock the test moves; the throttle never depends on how fast the machine is. */
    private static final class TestClock extends Clock {
        Instant now = T0;

        @Override public Instant instant() { return now; }
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }

        void advance(long millis) { now = now.plusMillis(millis); }
    }

    private static Job.Progress line(int step) {
        return new Job.Progress(step / 100.0, "denoise", step, 100);
    }

    @Test
    void offer_writesTheFirstLine_thenAtMostOnePer250ms_keepingOnlyTheLatestAsPending() {
        TestClock clock = new TestClock();
        ProgressThrottle t = new ProgressThrottle(clock);

        assertThat(t.offer(line(1))).isEqualTo(line(1));
        for (int step = 2; step <= 50; step++) assertThat(t.offer(line(step))).isNull();   // a burst in one instant
        clock.advance(100);
        assertThat(t.offer(line(51))).isNull();
        assertThat(t.dueIn()).isEqualTo(Duration.ofMillis(150));
        clock.advance(150);

        assertThat(t.dueIn()).isZero();
        assertThat(t.offer(line(52))).isEqualTo(line(52));   // its time came: written, the pending one dropped
        assertThat(t.drain()).isNull();
    }

    @Test
    void drain_writesThePendingLine_whenNoNewerLineCame_andThenWaitsAgain() {
        TestClock clock = new TestClock();
        ProgressThrottle t = new ProgressThrottle(clock);
        t.offer(line(1));
        t.offer(line(2));
        t.offer(line(3));

        assertThat(t.drain()).isEqualTo(line(3));   // the job's end (or the timer) writes the last line
        assertThat(t.drain()).isNull();
        assertThat(t.offer(line(4))).isNull();      // the drain was a write: the next waits its 250 ms
        clock.advance(250);
        assertThat(t.offer(line(5))).isEqualTo(line(5));
    }

    @Test
    void offer_writesEveryLine_whenTheyArriveSlowerThanTheLimit() {
        TestClock clock = new TestClock();
        ProgressThrottle t = new ProgressThrottle(clock);
        for (int step = 1; step <= 10; step++) {
            assertThat(t.offer(line(step))).isEqualTo(line(step));
            clock.advance(300);
        }
        assertThat(t.drain()).isNull();
    }
}
