package dev.hearth.gateway;

import dev.hearth.config.ProxyTimeouts;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy's timeouts on one shared clock: the clock's own ticks are driven by hand here (a
 * settable nanoTime and {@link DeadlineClock#tick}), so nothing depends on this machine's speed;
 * one test lets the real thread tick to show it stops when idle and starts again.
 */
class DeadlineClockTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    // a tick of a day: the clock's own thread never ticks during these tests
    private final DeadlineClock clock = new DeadlineClock(Duration.ofDays(1), now::get);

    private static ProxyTimeouts timeouts(long firstByteMs, long chunkMs) {
        return new ProxyTimeouts(Duration.ofSeconds(5), Duration.ofMillis(firstByteMs), Duration.ofMillis(chunkMs));
    }

    private void advance(long ms) {
        now.addAndGet(Duration.ofMillis(ms).toNanos());
    }

    @Test
    void anEngineThatNeverStartsAnsweringIsAbortedOnceItsFirstByteTimeoutHasPassed() {
        Abort abort = new Abort();
        try (Deadline d = Deadline.start(abort, "m", timeouts(300, 1000), clock)) {
            advance(299);
            clock.tick();
            assertThat(abort.why()).isNull();
            advance(1);
            clock.tick();
            assertThat(abort.why()).isNotNull();
            assertThat(abort.why().reason()).isEqualTo(Abort.Reason.FIRST_BYTE_TIMEOUT);
            assertThat(abort.why().error().getMessage()).contains("'m'").contains("did not start answering within");
        }
    }

    @Test
    void eachChunkGivesTheEngineAnotherChunkTimeoutAndSilenceMidAnswerAbortsWithItsOwnReason() {
        Abort abort = new Abort();
        try (Deadline d = Deadline.start(abort, "m", timeouts(300, 200), clock)) {
            for (int i = 0; i < 5; i++) { // chunks 150 ms apart: well past the first-byte timeout in all
                advance(150);
                d.chunkArrived();
                clock.tick();
            }
            assertThat(abort.why()).isNull();
            advance(200);
            clock.tick();
            assertThat(abort.why().reason()).isEqualTo(Abort.Reason.CHUNK_TIMEOUT);
            assertThat(abort.why().error().getMessage()).contains("went silent for");
        }
    }

    @Test
    void aClosedRequestAndZeroTimeoutsAreNeverAborted() {
        Abort closed = new Abort();
        Deadline.start(closed, "m", timeouts(100, 100), clock).close();
        Abort noLimits = new Abort();
        Deadline none = Deadline.start(noLimits, "m", timeouts(0, 0), clock);
        Abort firstByteOnly = new Abort();
        Deadline first = Deadline.start(firstByteOnly, "m", timeouts(100, 0), clock);
        first.chunkArrived(); // the first byte came: no chunk clock follows
        advance(60_000);
        clock.tick();
        assertThat(closed.why()).isNull();
        assertThat(noLimits.why()).isNull();
        assertThat(firstByteOnly.why()).isNull();
        none.close();
        first.close();
    }

    @Test
    void theClocksThreadTicksOnlyWhileRequestsAreInFlight() {
        DeadlineClock real = new DeadlineClock(Duration.ofMillis(5));
        Abort abort = new Abort();
        Deadline d = Deadline.start(abort, "m", timeouts(20, 0), real);
        assertThat(real.ticking()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> abort.why() != null); // its own thread fired it
        d.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> !real.ticking()); // idle: the thread stops ticking
        Abort next = new Abort();
        try (Deadline again = Deadline.start(next, "m", timeouts(20, 0), real)) {
            assertThat(real.ticking()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> next.why() != null);
        }
    }
}
