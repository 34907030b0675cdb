package dev.hearth.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/** Rule 10 against the recording fake: sleep instead of stop, wake instead of start. */
class SchedulerCoreSleepTest extends CoreTestSupport {
    private static final List<Device> ONE_GPU = List.of(new Device(0, "GPU 0", 10 * GIB, true));

    private void twoModels(List<Device> devices) {
        use(config(model("vllm", 6 * GIB).sleep(1).idle(Duration.ofMinutes(10)), model("other", 6 * GIB)), devices);
        readyAndIdle("vllm", 0, 1);
    }

    @Test
    void makingRoom_putsAModelThatCanSleep_toSleep_andItsMemoryIsFreeOnceAsleep() {
        twoModels(ONE_GPU);

        request("other", 2);

        assertThat(fx.log).contains("sleep vllm 1").doesNotContain("stop vllm EVICTED");
        assertThat(status("vllm").state()).isEqualTo(ModelState.SLEEPING);
        assertThat(fx.starts()).containsExactly("start vllm").as("its memory counts until it is asleep");
        core.onAsleep("vllm", at(3));

        assertThat(status("vllm").state()).isEqualTo(ModelState.ASLEEP);
        assertThat(fx.starts()).containsExactly("start vllm", "start other");
        assertThat(core.usedOn(0)).isEqualTo(6 * GIB);
        assertThat(fx.events).filteredOn(e -> e.type() == ModelEvent.Type.SLEEPING).singleElement()
                .extracting(ModelEvent::detail).isEqualTo("to make room for other; sleep level 1");
    }

    @Test
    void aRequestForASleepingModel_wakesIt_whereItsProcessIs() {
        twoModels(ONE_GPU);
        long o = request("other", 2);
        core.onAsleep("vllm", at(3));
        core.onLoaded("other", at(4));
        core.onRelease("other", o, at(5));

        long r = request("vllm", 10);
        core.onStopped("other", at(11));

        assertThat(fx.log).contains("wake vllm");
        assertThat(fx.starts()).as("woken, not started").containsExactly("start vllm", "start other");
        core.onLoaded("vllm", at(12));
        assertThat(fx.grants()).last().isEqualTo("grant " + r + " vllm");
        assertThat(fx.events).filteredOn(e -> e.type() == ModelEvent.Type.LOADING).last()
                .extracting(ModelEvent::detail).isEqualTo("waking from sleep");
    }

    @Test
    void whereTheBudgetIsRam_level1WouldFreeNothing_soLevel2() {
        twoModels(List.of(new Device(0, "NVIDIA GB10 (unified memory)", 10 * GIB, true, true)));
        request("other", 2);
        assertThat(fx.log).contains("sleep vllm 2");

        fx.clear();
        twoModels(Device.pool(10 * GIB));
        request("other", 2);
        assertThat(fx.log).contains("sleep vllm 2");
    }

    @Test
    void aSleepingModel_idleForItsTtl_isStoppedForGood() {
        twoModels(ONE_GPU);
        request("other", 2);
        core.onAsleep("vllm", at(3));

        core.onTick(at(1 + 600));

        assertThat(fx.stops()).containsExactly("stop vllm IDLE");
    }

    @Test
    void aModelThatWillNotSleep_isStoppedInstead() {
        twoModels(ONE_GPU);
        request("other", 2);

        core.onSleepFailed("vllm", "POST /sleep answered 404", at(3));

        assertThat(fx.stops()).containsExactly("stop vllm EVICTED");
        assertThat(fx.events).filteredOn(e -> e.type() == ModelEvent.Type.UNLOADING).last()
                .extracting(ModelEvent::detail).isEqualTo("it could not sleep: POST /sleep answered 404");
        core.onStopped("vllm", at(4));
        assertThat(fx.starts()).last().isEqualTo("start other");
    }

    @Test
    void unloading_aSleepingModel_endsItsProcess_andOneFallingAsleep_onceAsleep() {
        twoModels(ONE_GPU);
        request("other", 2);
        long unload = unloadCommand("vllm", 2);
        assertThat(fx.stops()).isEmpty();

        core.onAsleep("vllm", at(3));
        assertThat(fx.stops()).containsExactly("stop vllm MANUAL");
        core.onStopped("vllm", at(4));

        assertThat(fx.unloads).containsKey(unload);
        assertThat(status("vllm").state()).isEqualTo(ModelState.UNLOADED);
    }

    @Test
    void shutdown_stopsSleepingEngines_too() {
        twoModels(ONE_GPU);
        request("other", 2);
        core.onAsleep("vllm", at(3));

        core.onShutdown(at(4));

        assertThat(fx.stops()).contains("stop vllm SHUTDOWN");
        assertThat(core.allStopped()).isFalse();
        core.onStopped("vllm", at(5));
        core.onLoaded("other", at(5));                   // it was loading: stopped once its start returns
        core.onStopped("other", at(6));
        assertThat(core.allStopped()).isTrue();
    }

    @Test
    void aCrashWhileAsleep_failsTheModel_andTheNextRequestStartsItAfresh() {
        twoModels(ONE_GPU);
        request("other", 2);
        core.onAsleep("vllm", at(3));

        core.onCrashed("vllm", "exited with code 137", at(4));

        assertThat(status("vllm").state()).isEqualTo(ModelState.FAILED);
    }
}
