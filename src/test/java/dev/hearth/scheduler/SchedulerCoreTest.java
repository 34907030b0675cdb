package dev.hearth.scheduler;

import dev.hearth.NoCapacityException;
import dev.hearth.QueueFullException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/** Load on demand, leases, the budget and eviction (rules 1–4), driven against a recording fake. */
class SchedulerCoreTest extends CoreTestSupport {

    @Test
    void onRequest_startsEngineOnce_whenTwentyRequestsArriveForUnloadedModel() {
        use(config(model("a", 10 * GIB).maxConcurrency(20)), 64 * GIB);
        List<Long> ids = LongStream.range(0, 20).mapToObj(i -> request("a", 0)).toList();

        assertThat(fx.starts()).containsExactly("start a");
        assertThat(fx.grants()).isEmpty();
        assertThat(status("a").state()).isEqualTo(ModelState.LOADING);
        assertThat(status("a").queued()).isEqualTo(20);

        core.onLoaded("a", at(3));

        assertThat(fx.grants()).containsExactlyElementsOf(ids.stream().map(id -> "grant " + id + " a").toList());
        assertThat(fx.starts()).hasSize(1);
        assertThat(status("a")).extracting(ModelStatus::state, ModelStatus::inFlight, ModelStatus::queued)
                .containsExactly(ModelState.BUSY, 20, 0);
    }

    @Test
    void onRelease_grantsWaitersFirstComeFirstServed_whenAtMaxConcurrency() {
        use(config(model("a", GIB).maxConcurrency(2)), 8 * GIB);
        long r1 = request("a", 0), r2 = request("a", 0), r3 = request("a", 1), r4 = request("a", 2), r5 = request("a", 3);
        core.onLoaded("a", at(5));
        assertThat(fx.grants()).containsExactly("grant " + r1 + " a", "grant " + r2 + " a");

        core.onRelease("a", r2, at(6));
        core.onRelease("a", r1, at(7));
        core.onRelease("a", r3, at(8));

        assertThat(fx.grants()).containsExactly("grant " + r1 + " a", "grant " + r2 + " a",
                "grant " + r3 + " a", "grant " + r4 + " a", "grant " + r5 + " a");
        assertThat(status("a").inFlight()).isEqualTo(2);
    }

    @Test
    void onRequest_grantsAtOnce_whenModelIsReadyWithAFreeLease() {
        use(config(model("a", GIB)), 8 * GIB);
        readyAndIdle("a", 0, 1);
        fx.clear();

        long id = request("a", 2);

        assertThat(fx.log).containsExactly("grant " + id + " a");
        assertThat(status("a").state()).isEqualTo(ModelState.BUSY);
    }

    @Test
    void eviction_stopsLeastRecentlyUsedIdleModelsOnly_asManyAsNeeded() {
        use(config(model("a", 10 * GIB), model("b", 10 * GIB), model("c", 10 * GIB),
                model("d", 10 * GIB), model("e", 20 * GIB)), 30 * GIB);
        readyAndIdle("a", 0, 10);
        readyAndIdle("b", 1, 5);
        readyAndIdle("c", 2, 7); // least recently used: b (5), c (7), a (10)
        fx.clear();

        request("d", 20);

        assertThat(fx.stops()).containsExactly("stop b EVICTED");
        assertThat(fx.starts()).as("its memory is free only once b is gone").isEmpty();
        assertThat(core.usedBytes()).isEqualTo(30 * GIB);

        core.onStopped("b", at(21));
        assertThat(fx.starts()).containsExactly("start d");
        assertThat(core.usedBytes()).isEqualTo(30 * GIB);

        core.onLoaded("d", at(22));
        fx.clear();
        request("e", 30); // 20 GiB: the two least recently used idle ones, c then a
        assertThat(fx.stops()).containsExactly("stop c EVICTED", "stop a EVICTED");
        core.onStopped("c", at(31));
        assertThat(fx.starts()).as("10 GiB free is not enough for 20 GiB").isEmpty();
        core.onStopped("a", at(32));
        assertThat(fx.starts()).containsExactly("start e");
        assertThat(fx.events).anySatisfy(e -> assertThat(e.detail()).isEqualTo("to make room for e"));
    }

    @Test
    void eviction_neverStopsPinnedModel() {
        use(config(model("a", 10 * GIB).pinned(), model("b", 10 * GIB), model("c", 10 * GIB)), 20 * GIB);
        readyAndIdle("a", 0, 1); // least recently used, but pinned
        readyAndIdle("b", 2, 3);
        fx.clear();

        request("c", 10);
        assertThat(fx.stops()).containsExactly("stop b EVICTED");

        core.onStopped("b", at(11));
        core.onLoaded("c", at(12));
        fx.clear();
        request("b", 20); // c holds a lease, a is pinned: nothing may go
        assertThat(fx.stops()).isEmpty();
        assertThat(fx.starts()).isEmpty();
    }

    @Test
    void eviction_neverStopsModelWithLease_andProceedsWhenTheLeaseIsReleased() {
        use(config(model("a", 10 * GIB), model("b", 10 * GIB).queueTimeout(Duration.ofHours(2))), 10 * GIB);
        long lease = request("a", 0);
        core.onLoaded("a", at(1));
        fx.clear();

        long waiting = request("b", 2);
        core.onTick(at(3_600)); // a running job is never idle, however long
        assertThat(fx.stops()).isEmpty();
        assertThat(status("b").queued()).isEqualTo(1);

        core.onRelease("a", lease, at(20));
        assertThat(fx.stops()).containsExactly("stop a EVICTED");
        core.onStopped("a", at(21));
        core.onLoaded("b", at(22));
        assertThat(fx.grants()).containsExactly("grant " + waiting + " b");
        assertThat(fx.failures).isEmpty();
    }

    @Test
    void onRequest_failsWith429AtOnce_whenQueueIsFull() {
        use(config(model("a", GIB).maxQueue(2)), 8 * GIB);
        request("a", 0);
        request("a", 0);
        long third = request("a", 0);

        assertThat(fx.failures.get(third)).isInstanceOf(QueueFullException.class)
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).isPositive();
                });
        assertThat(fx.starts()).containsExactly("start a");
    }

    @Test
    void onTick_failsWith503NamingWhatHoldsTheMemory_afterQueueTimeout() {
        use(config(model("a", 10 * GIB), model("b", 10 * GIB).queueTimeout(Duration.ofSeconds(30))), 10 * GIB);
        long lease = request("a", 0);
        core.onLoaded("a", at(1));
        long waiting = request("b", 10);

        core.onTick(at(39));
        assertThat(fx.failures).isEmpty();
        core.onTick(at(40));

        assertThat(fx.failures.get(waiting)).isInstanceOf(NoCapacityException.class)
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.retryAfterSeconds()).isPositive();
                })
                .hasMessageContaining("'b' needs 10 GiB")
                .hasMessageContaining("a (10 GiB, 1 request in flight)");
        assertThat(status("b").queued()).isZero();

        core.onRelease("a", lease, at(41));
        assertThat(fx.stops()).as("nobody waits for b any more").isEmpty();
    }

    @Test
    void onRequest_failsAtOnce_whenModelIsLargerThanTheWholeBudget() {
        use(config(model("big", 80 * GIB)), 64 * GIB);
        long id = request("big", 0);

        assertThat(fx.failures.get(id)).isInstanceOf(ModelTooLargeException.class)
                .hasMessageContaining("80 GiB").hasMessageContaining("64 GiB");
        assertThat(fx.starts()).isEmpty();
    }

    @Test
    void onRequest_failsWith404_whenModelIsUnknown() {
        use(config(model("a", GIB)), 8 * GIB);
        long id = request("nope", 0);
        assertThat(fx.failures.get(id)).isInstanceOf(UnknownModelException.class);
    }

    @Test
    void onTick_unloadsIdleModel_afterItsTtl_butNeverWithTtlZero() {
        use(config(model("a", GIB).idle(Duration.ofMinutes(15)), model("forever", GIB).idle(Duration.ZERO)), 8 * GIB);
        readyAndIdle("a", 0, 10);
        readyAndIdle("forever", 0, 10);
        fx.clear();

        core.onTick(at(10 + 15 * 60 - 1));
        assertThat(fx.stops()).isEmpty();
        core.onTick(at(10 + 15 * 60));
        assertThat(fx.stops()).containsExactly("stop a IDLE");
        assertThat(fx.events).anySatisfy(e -> assertThat(e.detail()).isEqualTo("idle for 15 min"));

        core.onTick(at(400 * 24 * 3600L));
        assertThat(fx.stops()).containsExactly("stop a IDLE");
    }

    @Test
    void exclusiveMode_evictsTheIdleModel_orWaitsUntilItIsIdle() {
        // b's max_wait of 0: rule 7 lets a in use keep serving no longer (SchedulerCoreSwapTest has the rest)
        use(config(true, model("a", 10 * GIB), model("b", 10 * GIB).maxWait(Duration.ZERO)), 100 * GIB);
        long lease = request("a", 0);
        core.onLoaded("a", at(1));
        fx.clear();

        long waiting = request("b", 2);
        assertThat(fx.stops()).as("a is busy").isEmpty();
        assertThat(fx.starts()).isEmpty();

        core.onRelease("a", lease, at(3));
        assertThat(fx.stops()).containsExactly("stop a EXCLUSIVE");
        assertThat(fx.starts()).as("only one model at a time, even with room to spare").isEmpty();

        core.onStopped("a", at(4));
        core.onLoaded("b", at(5));
        assertThat(fx.starts()).containsExactly("start b");
        assertThat(fx.grants()).containsExactly("grant " + waiting + " b");
    }

    @Test
    void budget_isNeverOvercommitted_underAnInterleavingOfRequestsAndReleases() {
        use(config(model("a", 6 * GIB), model("b", 6 * GIB), model("c", 6 * GIB)), 12 * GIB);
        List<Long> used = new ArrayList<>();
        String[] order = {"a", "b", "c", "a", "c", "b", "a", "b"};
        for (int i = 0; i < order.length; i++) {
            long t = i * 10L;
            long id = request(order[i], t);
            used.add(core.usedBytes());
            settle(t + 1, used);
            assertThat(fx.grants()).contains("grant " + id + " " + order[i]);
            core.onRelease(order[i], id, at(t + 2));
        }
        assertThat(used).allSatisfy(u -> assertThat(u).isLessThanOrEqualTo(12 * GIB));
        assertThat(fx.failures).isEmpty();
    }

    @Test
    void aModelPinnedAtRuntime_isNotEvicted_andUnpinning_letsTheWaitingModelLoad() {
        use(config(model("a", 10 * GIB), model("b", 10 * GIB)), 10 * GIB);
        readyAndIdle("a", 0, 1);
        core.onPin(90, "a", true, at(2));
        assertThat(fx.log).contains("pinned 90 a true");

        request("b", 3);
        assertThat(fx.stops()).as("a is pinned").isEmpty();
        assertThat(status("a").pinned()).isTrue();

        core.onPin(91, "a", false, at(4));

        assertThat(fx.stops()).containsExactly("stop a EVICTED");
    }

    /** Lets every engine finish starting or stopping, as often as the core asks, noting the memory used. */
    private void settle(long t, List<Long> used) {
        settle(t, () -> used.add(core.usedBytes()));
    }
}
