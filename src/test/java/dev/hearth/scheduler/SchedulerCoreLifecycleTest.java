package dev.hearth.scheduler;

import dev.hearth.NoCapacityException;
import dev.hearth.QueueFullException;
import dev.hearth.EngineException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/** Failures, crashes, backoff, cancel, manual load/unload and shutdown (rules 1, 5, 6). */
class SchedulerCoreLifecycleTest extends CoreTestSupport {

    @Test
    void onLoadFailed_failsAllWaiters_andBackoffPreventsARestartStorm() {
        use(config(model("a", GIB)), 8 * GIB);
        long r1 = request("a", 0), r2 = request("a", 0), r3 = request("a", 0);
        core.onLoadFailed("a", "exit 1: CUDA out of memory", at(1));

        assertThat(fx.failures).containsOnlyKeys(r1, r2, r3);
        assertThat(fx.failures.get(r1)).isInstanceOf(EngineException.class)
                .hasMessageContaining("CUDA out of memory");
        assertThat(status("a")).extracting(ModelStatus::state, ModelStatus::lastError, ModelStatus::queued)
                .containsExactly(ModelState.FAILED, "exit 1: CUDA out of memory", 0);
        assertThat(core.usedBytes()).isZero();

        request("a", 1); // the first failure may be bad luck: the next request retries at once
        assertThat(fx.starts()).containsExactly("start a", "start a");
        core.onLoadFailed("a", "exit 1 again", at(2));

        long r5 = request("a", 2), r6 = request("a", 2); // second failure in a row: 1 s backoff
        core.onTick(at(2));
        assertThat(fx.starts()).as("no restart during the backoff").hasSize(2);
        assertThat(status("a").queued()).isEqualTo(2);

        core.onTick(at(3));
        assertThat(fx.starts()).hasSize(3);
        core.onLoaded("a", at(4));
        assertThat(fx.grants()).containsExactly("grant " + r5 + " a", "grant " + r6 + " a");
        assertThat(status("a").lastError()).isNull();
    }

    @Test
    void backoff_doublesUpToAMinute() {
        assertThat(ModelSlot.backoff(1)).isZero();
        assertThat(ModelSlot.backoff(2)).hasSeconds(1);
        assertThat(ModelSlot.backoff(3)).hasSeconds(2);
        assertThat(ModelSlot.backoff(4)).hasSeconds(4);
        assertThat(ModelSlot.backoff(8)).hasSeconds(60);
        assertThat(ModelSlot.backoff(1_000)).hasSeconds(60);
    }

    @Test
    void onTick_failsAWaiterDuringBackoff_withTheTimeLeftAsRetryAfter() {
        use(config(model("a", GIB).queueTimeout(Duration.ofSeconds(2))), 8 * GIB);
        for (long t : new long[]{0, 0, 1, 3}) { // failures 1..4: next start at 0, 1, 3, then 7
            request("a", t);
            core.onLoadFailed("a", "boom", at(t));
        }
        assertThat(fx.starts()).hasSize(4);

        long waiting = request("a", 3);
        core.onTick(at(5));

        assertThat(fx.failures.get(waiting)).isInstanceOf(NoCapacityException.class)
                .hasMessageContaining("backing off after 4 failed starts (last error: boom)")
                .satisfies(e -> assertThat(e.retryAfterSeconds()).isEqualTo(2));
        core.onTick(at(7));
        assertThat(fx.starts()).as("nobody waits any more").hasSize(4);
        request("a", 7);
        assertThat(fx.starts()).hasSize(5);
    }

    @Test
    void onCrashed_freesMemoryAndMarksFailed_andTheNextRequestReloads() {
        use(config(model("a", 10 * GIB)), 16 * GIB);
        long lease = request("a", 0);
        core.onLoaded("a", at(1));

        core.onCrashed("a", "exit 139 (SIGSEGV)", at(2));

        assertThat(status("a")).extracting(ModelStatus::state, ModelStatus::lastError, ModelStatus::inFlight)
                .containsExactly(ModelState.FAILED, "exit 139 (SIGSEGV)", 0);
        assertThat(core.usedBytes()).isZero();
        assertThat(fx.events).anySatisfy(e -> assertThat(e.type()).isEqualTo(ModelEvent.Type.CRASHED));

        core.onRelease("a", lease, at(3)); // the old lease is still closable, and changes nothing
        assertThat(core.usedBytes()).isZero();
        assertThat(status("a").state()).isEqualTo(ModelState.FAILED);

        long next = request("a", 4);
        assertThat(fx.starts()).containsExactly("start a", "start a");
        core.onLoaded("a", at(5));
        assertThat(fx.grants()).contains("grant " + next + " a");
    }

    @Test
    void onCrashed_isIgnored_whenTheModelIsNotServing() {
        use(config(model("a", GIB)), 8 * GIB);
        request("a", 0);
        core.onCrashed("a", "late word from an earlier run", at(1));
        assertThat(status("a").state()).isEqualTo(ModelState.LOADING);
        core.onStopped("a", at(1));
        assertThat(status("a").state()).isEqualTo(ModelState.LOADING);
    }

    @Test
    void onCancel_removesTheWaiter_andFreesItsQueuePlace() {
        use(config(model("a", GIB).maxQueue(1)), 8 * GIB);
        long first = request("a", 0);
        long refused = request("a", 0);
        assertThat(fx.failures.get(refused)).isInstanceOf(QueueFullException.class);

        core.onCancel(first, at(1));
        long third = request("a", 1);
        assertThat(fx.failures).doesNotContainKey(third);

        core.onLoaded("a", at(2));
        assertThat(fx.grants()).containsExactly("grant " + third + " a");
    }

    @Test
    void maxQueueZero_letsOneRequestWaitForTheModelsStart_andRefusesWhatWouldWaitBehindAnother() {
        use(config(model("a", GIB).maxConcurrency(1).maxQueue(0)), 8 * GIB);
        long first = request("a", 0); // the model is not running: this request starts it, and waits for it
        long duringStart = request("a", 0);
        assertThat(fx.failures).doesNotContainKey(first);
        assertThat(fx.failures.get(duringStart)).isInstanceOf(QueueFullException.class);

        core.onLoaded("a", at(1));
        assertThat(fx.grants()).containsExactly("grant " + first + " a");
        long busy = request("a", 2); // running and its one lease out: no waiting behind it
        assertThat(fx.failures.get(busy)).isInstanceOf(QueueFullException.class);

        core.onRelease("a", first, at(3));
        long next = request("a", 3);
        assertThat(fx.grants()).containsExactly("grant " + first + " a", "grant " + next + " a");
    }

    @Test
    void grant_countsNoLease_whenTheCallerIsGone() {
        use(config(model("a", GIB).maxConcurrency(1)), 8 * GIB);
        long gone = request("a", 0), next = request("a", 0);
        fx.gone.add(gone);

        core.onLoaded("a", at(1));

        assertThat(fx.log).contains("grant-refused " + gone + " a", "grant " + next + " a");
        assertThat(status("a").inFlight()).isEqualTo(1);
        core.onRelease("a", next, at(2));
        assertThat(status("a").state()).isEqualTo(ModelState.READY);
    }

    @Test
    void unload_stopsAtOnce_whenNoLeaseIsOut_andAnswersWithTheFreedMemory() {
        use(config(model("a", 10 * GIB)), 16 * GIB);
        readyAndIdle("a", 0, 1);
        long cmd = unloadCommand("a", 2);

        assertThat(fx.stops()).containsExactly("stop a MANUAL");
        assertThat(fx.unloads).as("answered once the process is gone").isEmpty();
        core.onStopped("a", at(3));
        assertThat(fx.unloads.get(cmd)).isEqualTo(new UnloadResult("unloaded", "a", 10 * GIB));
        assertThat(status("a").state()).isEqualTo(ModelState.UNLOADED);
    }

    /** Issue 6 item 2: a request to a hung engine used to hold POST /api/models/{m}/unload for ever. */
    @Test
    void unload_asksTheLeaseHoldersToStop_insteadOfOnlyWaitingForThem() {
        use(config(model("a", GIB)), 8 * GIB);
        long first = request("a", 0), second = request("a", 0);
        core.onLoaded("a", at(1));

        unloadCommand("a", 2);

        assertThat(fx.revoked).containsExactly("a MANUAL [" + first + ", " + second + "]");
        assertThat(fx.stops()).as("still drains: stopped once they are released").isEmpty();
        core.onRelease("a", first, at(3));
        core.onRelease("a", second, at(3));
        assertThat(fx.stops()).containsExactly("stop a MANUAL");
    }

    @Test
    void unload_drainsLeasesFirst_thenRequestsThatCameMeanwhileReloadIt() {
        use(config(model("a", 10 * GIB)), 16 * GIB);
        long lease = request("a", 0);
        core.onLoaded("a", at(1));
        long cmd = unloadCommand("a", 2);
        long later = request("a", 3);

        assertThat(fx.stops()).isEmpty();
        assertThat(fx.grants()).as("draining: no new grants").doesNotContain("grant " + later + " a");

        core.onRelease("a", lease, at(4));
        assertThat(fx.stops()).containsExactly("stop a MANUAL");
        core.onStopped("a", at(5));
        assertThat(fx.unloads.get(cmd).memoryFreedBytes()).isEqualTo(10 * GIB);
        assertThat(fx.starts()).containsExactly("start a", "start a");
        core.onLoaded("a", at(6));
        assertThat(fx.grants()).contains("grant " + later + " a");
    }

    @Test
    void unload_ofAnUnloadedModel_freesNothing() {
        use(config(model("a", GIB)), 8 * GIB);
        long cmd = unloadCommand("a", 0);
        assertThat(fx.unloads.get(cmd)).isEqualTo(new UnloadResult("unloaded", "a", 0));
        assertThat(fx.stops()).isEmpty();
    }

    @Test
    void unload_duringLoad_stopsOnceTheLoadEnds() {
        use(config(model("a", GIB)), 8 * GIB);
        long load = loadCommand("a", 0);
        long cmd = unloadCommand("a", 1);
        assertThat(fx.stops()).isEmpty();

        core.onLoaded("a", at(2));
        assertThat(fx.log).containsSubsequence("loaded " + load + " a", "stop a MANUAL"); // in the order they came
        core.onStopped("a", at(3));
        assertThat(fx.unloads.get(cmd).memoryFreedBytes()).isEqualTo(GIB);
        assertThat(fx.starts()).as("the load was answered: nothing loads it again").containsExactly("start a");
    }

    /**
     * Regression (schemathesis, two workers: one loading, one unloading the same model): a load command
     * waited for the next load after every unload that came during the load it was waiting for, so
     * POST /api/models/{m}/load never answered while unloads kept coming.
     */
    @Test
    void loadCommand_isAnsweredByTheLoadItWaitedFor_whileUnloadsKeepComing() {
        use(config(model("a", GIB)), 8 * GIB);
        long load = loadCommand("a", 0);
        for (int t = 1; t < 10; t += 3) {
            unloadCommand("a", t);
            core.onLoaded("a", at(t + 1));
            if (fx.log.contains("loaded " + load + " a")) {
                break;
            }
            core.onStopped("a", at(t + 2));
        }
        assertThat(fx.log).contains("loaded " + load + " a");
    }

    @Test
    void loadCommand_isAnsweredWhenReady_andAtOnceWhenAlreadyReady() {
        use(config(model("a", GIB)), 8 * GIB);
        long first = loadCommand("a", 0);
        assertThat(fx.starts()).containsExactly("start a");
        core.onLoaded("a", at(1));
        long second = loadCommand("a", 2);

        assertThat(fx.log).contains("loaded " + first + " a", "loaded " + second + " a");
        assertThat(status("a").inFlight()).isZero();
    }

    @Test
    void onShutdown_failsWaitersAndStopsEveryEngine() {
        use(config(model("a", GIB), model("b", GIB), model("c", GIB).maxConcurrency(1)), 8 * GIB);
        request("a", 0);
        core.onLoaded("a", at(1)); // busy
        request("b", 1);            // loading
        request("c", 1);
        core.onLoaded("c", at(1));
        long waiting = request("c", 2); // queued behind c's only lease

        core.onShutdown(at(3));

        assertThat(fx.failures.get(waiting)).isInstanceOf(NoCapacityException.class);
        assertThat(fx.stops()).containsExactly("stop a SHUTDOWN", "stop c SHUTDOWN");
        core.onLoaded("b", at(4));
        assertThat(fx.stops()).contains("stop b SHUTDOWN");
        long late = request("a", 5);
        assertThat(fx.failures.get(late)).hasMessageContaining("shutting down");
        core.onStopped("a", at(6));
        core.onStopped("b", at(6));
        assertThat(core.allStopped()).isFalse();
        core.onStopped("c", at(6));
        assertThat(core.allStopped()).isTrue();
    }
}
