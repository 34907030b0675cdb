package dev.hearth.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 7 (swap-aware ordering) against the recording fake: one slot of memory, two or three models
 * that want it, time as values. A swap costs tens of seconds to minutes, so a model in use keeps
 * serving while the other model's work is younger than that model's max_wait.
 */
class SchedulerCoreSwapTest extends CoreTestSupport {
    private static final Duration FIVE_S = Duration.ofSeconds(5);

    private void oneSlot(Specs.Builder... models) {
        use(config(models), 10 * GIB);
    }

    private void oneSlot(boolean exclusive, Specs.Builder... models) {
        use(config(exclusive, models), 100 * GIB);
    }

    private long grantedRequest(String model, long atSeconds) {
        long id = request(model, atSeconds);
        assertThat(fx.grants()).last().isEqualTo("grant " + id + " " + model);
        return id;
    }

    @Test
    void aModelServingOneRequestAfterAnother_keepsServing_untilTheOtherModelsWorkHasWaitedItsMaxWait() {
        oneSlot(model("a", 10 * GIB), model("b", 10 * GIB).maxWait(FIVE_S));
        long r = request("a", 0);
        core.onLoaded("a", at(0));
        long waiting = request("b", 1);                  // arrives while a answers
        for (long t = 1; t <= 5; t++) {                  // a's user sends one request after another
            core.onRelease("a", r, at(t));
            r = grantedRequest("a", t);
            core.onTick(at(t));
        }
        assertThat(fx.stops()).as("b has waited 4 s of its 5: a keeps serving").isEmpty();

        core.onTick(at(6));                              // b's request is now 5 s old: a drains
        assertThat(fx.events).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(ModelEvent.Type.DRAINING);
            assertThat(e.model()).isEqualTo("a");
            assertThat(e.detail()).isEqualTo("to make room for b, whose work waited longer than its max_wait of 5 s");
        });
        long late = request("a", 6);
        assertThat(fx.grants()).as("a takes no new request while it drains").doesNotContain("grant " + late + " a");
        core.onRelease("a", r, at(7));

        assertThat(fx.stops()).containsExactly("stop a EVICTED");
        core.onStopped("a", at(8));
        assertThat(fx.starts()).containsExactly("start a", "start b");
        core.onLoaded("b", at(20));
        assertThat(fx.grants()).last().isEqualTo("grant " + waiting + " b");
        assertThat(status("a").queued()).as("a's late request waits for its turn").isEqualTo(1);
    }

    @Test
    void anIdleModelNobodyUses_givesWayAtOnce() {
        oneSlot(model("a", 10 * GIB), model("b", 10 * GIB).maxWait(Duration.ofMinutes(10)));
        readyAndIdle("a", 0, 1);

        request("b", 60);

        assertThat(fx.stops()).containsExactly("stop a EVICTED");
    }

    @Test
    void minResidency_keepsAFreshlyLoadedModel_evenForOverdueWork() {
        oneSlot(model("a", 10 * GIB).minResidency(Duration.ofSeconds(30)), model("b", 10 * GIB).maxWait(FIVE_S));
        readyAndIdle("a", 0, 1);

        request("b", 2);
        core.onTick(at(29));
        assertThat(fx.stops()).as("a was loaded 29 s ago, its min_residency is 30 s").isEmpty();

        core.onTick(at(30));
        assertThat(fx.stops()).containsExactly("stop a EVICTED");
    }

    @Test
    void overdueWork_isLoadedBeforeOlderWorkThatMayStillWait() {
        oneSlot(model("a", 10 * GIB), model("video", 10 * GIB).maxWait(Duration.ofMinutes(3)),
                model("chat", 10 * GIB).maxWait(FIVE_S));
        long r = request("a", 0);
        core.onLoaded("a", at(0));
        request("video", 1);
        request("chat", 2);

        core.onTick(at(7));                              // chat's 5 s are up; video's 3 min are not
        core.onRelease("a", r, at(8));
        core.onStopped("a", at(9));

        assertThat(fx.starts()).containsExactly("start a", "start chat");
    }

    @Test
    void theDrain_isCalledOff_whenTheWorkItWasForIsGone() {
        oneSlot(model("a", 10 * GIB), model("b", 10 * GIB).maxWait(FIVE_S));
        long r = request("a", 0);
        core.onLoaded("a", at(0));
        long waiting = request("b", 1);
        core.onTick(at(6));
        assertThat(fx.events).last().extracting(ModelEvent::type).isEqualTo(ModelEvent.Type.DRAINING);
        long queued = request("a", 6);

        core.onCancel(waiting, at(7));                   // b's client gave up

        assertThat(fx.grants()).as("a serves again").endsWith("grant " + queued + " a");
        core.onRelease("a", r, at(8));
        assertThat(fx.stops()).isEmpty();
    }

    @Test
    void aModelThatNeverGoesIdle_stillGivesWay_soNoWaitExceedsMaxWaitPlusItsLastRequests() {
        oneSlot(model("a", 10 * GIB).maxConcurrency(2), model("b", 10 * GIB).maxWait(FIVE_S));
        long r1 = request("a", 0);
        core.onLoaded("a", at(0));
        long r2 = grantedRequest("a", 0);
        long waiting = request("b", 1);
        // two users keep a busy with overlapping requests: it is never idle
        for (long t = 1; t < 6; t++) {
            core.onRelease("a", r1, at(t));
            r1 = grantedRequest("a", t);
            long swap = r1; r1 = r2; r2 = swap;
            core.onTick(at(t));
        }
        core.onTick(at(6));                              // overdue: no new lease for a
        core.onRelease("a", r1, at(7));
        assertThat(fx.stops()).isEmpty();
        core.onRelease("a", r2, at(8));                  // its last request in flight ends

        assertThat(fx.stops()).containsExactly("stop a EVICTED");
        core.onStopped("a", at(9));
        core.onLoaded("b", at(10));
        assertThat(fx.grants()).last().isEqualTo("grant " + waiting + " b");
    }

    @Test
    void jobDemand_countsFromTheOldestQueuedJob_notFromTheDispatchersLatestAttempt() {
        oneSlot(model("a", 10 * GIB), model("video", 10 * GIB).maxWait(Duration.ofMinutes(3)));
        long r = request("a", 0);
        core.onLoaded("a", at(0));

        // the dispatcher's latest attempt, at 190 s, for 3 jobs, the oldest submitted at 5 s: past video's 3 min
        core.onRequest(99, "video", at(190), new Demand(at(5), 3));

        assertThat(status("video").queued()).isEqualTo(3);
        assertThat(fx.events).last().extracting(ModelEvent::type).isEqualTo(ModelEvent.Type.DRAINING);
        core.onRelease("a", r, at(191));
        assertThat(fx.stops()).containsExactly("stop a EVICTED");
    }

    @Test
    void exclusiveMode_goesThroughRule7Too() {
        oneSlot(true, model("a", GIB), model("b", GIB).maxWait(FIVE_S));
        long r = request("a", 0);
        core.onLoaded("a", at(0));
        request("b", 1);
        core.onRelease("a", r, at(2));
        r = grantedRequest("a", 2);
        assertThat(fx.stops()).as("a is in use and b waited 1 s").isEmpty();

        core.onTick(at(6));
        core.onRelease("a", r, at(7));

        assertThat(fx.stops()).containsExactly("stop a EXCLUSIVE");
    }

    @Test
    void anAlternatingTrace_swapsOncePerMaxWait_notOncePerRequest() {
        oneSlot(model("a", 10 * GIB).maxWait(FIVE_S), model("b", 10 * GIB).maxWait(FIVE_S));
        // two users, each sending a 1 s request every 2 s, a on even seconds and b on odd ones, for 60 s;
        // loads and stops take no time here: the count of swaps is what rule 7 decides
        long[] inFlight = {0, 0};
        Instant end = at(60);
        for (long t = 0; at(t).isBefore(end); t++) {
            String m = t % 2 == 0 ? "a" : "b";
            int i = t % 2 == 0 ? 0 : 1;
            String other = i == 0 ? "b" : "a";
            if (inFlight[1 - i] != 0) {
                core.onRelease(other, inFlight[1 - i], at(t));
                inFlight[1 - i] = 0;
            }
            settle(t);
            inFlight[i] = request(m, t);
            settle(t);
            core.onTick(at(t));
            settle(t);
        }

        // one request per second, alternating: a model per request would be 60 swaps
        assertThat(fx.starts()).hasSizeLessThanOrEqualTo(12);
    }

    private void settle(long t) {
        settle(t, () -> { });
    }
}
