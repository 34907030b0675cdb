package dev.hearth.gateway;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Which refusals a storm's pacer holds, on a clock the test moves. */
class RefusalPacerTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RefusalPacer pacer = new RefusalPacer(now::get);

    @Test
    void theBurstOfASecond_isAnsweredAtOnce_andEveryRefusalPastIt_isHeld() {
        assertThat(IntStream.range(0, RefusalPacer.BURST).mapToObj(i -> pacer.hold("m"))).containsOnly(false);
        assertThat(pacer.hold("m")).isTrue();
        now.addAndGet(900_000_000L);
        assertThat(pacer.hold("m")).as("still the same second").isTrue();
    }

    @Test
    void aNewSecond_startsANewBurst() {
        IntStream.range(0, RefusalPacer.BURST + 5).forEach(i -> pacer.hold("m"));
        now.addAndGet(1_000_000_000L);
        assertThat(IntStream.range(0, RefusalPacer.BURST).mapToObj(i -> pacer.hold("m"))).containsOnly(false);
        assertThat(pacer.hold("m")).isTrue();
    }

    @Test
    void eachModel_hasItsOwnBurst() {
        IntStream.range(0, RefusalPacer.BURST + 1).forEach(i -> pacer.hold("stormed"));
        assertThat(pacer.hold("stormed")).isTrue();
        assertThat(pacer.hold("quiet")).isFalse();
    }

    @Test
    void theTimeHeld_isTakenOffRetryAfter_whichStaysASecondAtLeast() {
        assertThat(RefusalPacer.retryAfter(5, Duration.ZERO)).isEqualTo(5);
        assertThat(RefusalPacer.retryAfter(5, Duration.ofMillis(1_003))).isEqualTo(4);
        assertThat(RefusalPacer.retryAfter(1, Duration.ofMillis(1_003))).isEqualTo(1);
        assertThat(RefusalPacer.retryAfter(0, Duration.ZERO)).isEqualTo(1);
    }
}
