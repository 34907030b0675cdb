package dev.hearth.scheduler;

import dev.hearth.QueueFullException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/** (3) A 429's Retry-After is the time the queue ahead takes to drain, from the model's recent service times. */
class RetryAfterTest extends CoreTestSupport {

    private static long retryAfter(Duration service, int queued, int concurrency, Duration untilServing) {
        return Refusals.retryAfterSeconds(service, queued, concurrency, untilServing);
    }

    @Test
    void retryAfter_isServiceTimeTimesTheQueueAhead_overConcurrency() {
        // 10 turns (9 queued + the leases out) of 2 s each, 4 at a time
        assertThat(retryAfter(Duration.ofSeconds(2), 9, 4, Duration.ZERO)).isEqualTo(5);
        assertThat(retryAfter(Duration.ofMillis(1500), 99, 1, Duration.ZERO)).isEqualTo(150);
    }

    @Test
    void retryAfter_isAtLeastOneSecond_andAtMostTenMinutes() {
        assertThat(retryAfter(Duration.ofMillis(30), 0, 8, Duration.ZERO)).isEqualTo(1);
        assertThat(retryAfter(Duration.ofMinutes(5), 100, 1, Duration.ZERO)).isEqualTo(600);
    }

    @Test
    void retryAfter_addsWhatIsLeftOfALoad() {
        assertThat(retryAfter(Duration.ofSeconds(1), 3, 2, Duration.ofSeconds(20))).isEqualTo(22);
        assertThat(retryAfter(null, 3, 2, Duration.ofSeconds(20))).as("nothing served yet").isEqualTo(20);
    }

    @Test
    void retryAfter_isTheFixedGuess_beforeAnythingIsKnown() {
        assertThat(retryAfter(null, 100, 4, Duration.ZERO)).isEqualTo(Refusals.RETRY_AFTER_SECONDS);
        assertThat(retryAfter(null, 100, 4, null)).isEqualTo(Refusals.RETRY_AFTER_SECONDS);
    }

    @Test
    void aRefusal_carriesTheDrainTime_measuredFromReleasedLeases() {
        use(config(model("a", GIB).maxConcurrency(1).maxQueue(2)), 8 * GIB);
        long first = request("a", 0);
        core.onLoaded("a", at(1));
        core.onRelease("a", first, at(5)); // held 4 s
        request("a", 6);                   // granted
        request("a", 6);                   // queued
        request("a", 6);                   // queued: the queue is full
        long refused = request("a", 6);

        // 4 s × (2 queued + 1 turn for the lease out) / 1 at a time
        assertThat(fx.failures.get(refused)).isInstanceOf(QueueFullException.class)
                .satisfies(e -> assertThat(e.retryAfterSeconds()).isEqualTo(12));
        core.publishAdmission(at(6));
        assertThat(core.refusal("a").retryAfterSeconds()).as("the published refusal, read off the owner thread")
                .isEqualTo(12);
    }

    @Test
    void serviceTime_weighsRecentReleasesMost() {
        use(config(model("a", GIB).maxConcurrency(1).maxQueue(1)), 8 * GIB);
        long first = request("a", 0);
        core.onLoaded("a", at(0));
        core.onRelease("a", first, at(8));      // 8 s
        long second = request("a", 10);
        core.onRelease("a", second, at(26));    // 16 s: (7 × 8 + 16) / 8 = 9 s
        request("a", 30);                       // granted
        request("a", 30);                       // queued: the queue is full
        long refused = request("a", 30);

        assertThat(fx.failures.get(refused).retryAfterSeconds()).as("9 s × (1 queued + 1)").isEqualTo(18);
    }
}
