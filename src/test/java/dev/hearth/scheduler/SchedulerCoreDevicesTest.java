package dev.hearth.scheduler;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/** Rule 9 against the recording fake: placement tables on several GPUs and on one pool. */
class SchedulerCoreDevicesTest extends CoreTestSupport {
    private static List<Device> gpus(long... gib) {
        List<Device> d = new java.util.ArrayList<>();
        for (int i = 0; i < gib.length; i++) d.add(new Device(i, "GPU " + i, gib[i] * GIB, true));
        return d;
    }

    @Test
    void aModelGoesWhereItFitsBest_leavingBigHolesForBigModels() {
        use(config(model("big", 60 * GIB).gpus(0), model("small", 10 * GIB).gpus(1), model("new", 16 * GIB)),
                gpus(80, 80));
        readyAndIdle("big", 0, 1);       // GPU 0: 20 GiB free
        readyAndIdle("small", 0, 1);     // GPU 1: 70 GiB free

        request("new", 2);

        assertThat(fx.placements).containsExactly("big [0]", "small [1]", "new [0]");
        assertThat(status("new").devices()).containsExactly(0);
        assertThat(core.usedOn(0)).isEqualTo(76 * GIB);
    }

    @Test
    void withPlacementSpread_aModelGoesWhereTheMostIsLeft() {
        use(Specs.spread(model("big", 60 * GIB).gpus(0), model("small", 10 * GIB).gpus(1), model("new", 16 * GIB)),
                gpus(80, 80));
        readyAndIdle("big", 0, 1);
        readyAndIdle("small", 0, 1);

        request("new", 2);

        assertThat(fx.placements).last().isEqualTo("new [1]");
    }

    @Test
    void aPinnedModel_evictsOnItsOwnGpu_evenWhenAnotherHasRoom_andTheLeastRecentlyUsedElsewhereStays() {
        use(config(model("a", 50 * GIB).gpus(0), model("b", 50 * GIB).gpus(1), model("c", 50 * GIB).gpus(1)),
                gpus(80, 80));
        readyAndIdle("a", 0, 1);         // least recently used, but on GPU 0
        readyAndIdle("b", 0, 2);

        request("c", 3);

        assertThat(fx.stops()).containsExactly("stop b EVICTED");
        core.onStopped("b", at(4));
        assertThat(fx.placements).last().isEqualTo("c [1]");
    }

    @Test
    void aModelOnTwoGpus_takesHalfOfItsMemoryOnEach() {
        use(config(model("tp", 100 * GIB).gpuCount(2), model("x", 30 * GIB).gpus(2)), gpus(80, 80, 80));
        readyAndIdle("x", 0, 1);         // GPU 2: 50 GiB free, GPUs 0 and 1: 80

        request("tp", 2);

        // best fit: GPU 2's 50 free GiB take one half exactly, and GPU 1 stays whole for the next big model
        assertThat(fx.placements).last().isEqualTo("tp [0, 2]");
        assertThat(core.usedOn(0)).isEqualTo(50 * GIB);
        assertThat(core.usedOn(1)).isZero();
        assertThat(core.usedOn(2)).isEqualTo(80 * GIB);
    }

    @Test
    void aModelTooBigForAnyOneGpu_isRefusedAtOnce_sayingHowToAskForMore() {
        use(config(model("huge", 100 * GIB)), gpus(80, 80));

        long id = request("huge", 0);

        assertThat(fx.failures.get(id)).isInstanceOf(ModelTooLargeException.class).hasMessage(
                "Model 'huge' needs 100 GiB but the GPUs it may use have 80 GiB of budget at most (gpus: 1);"
                        + " ask for more GPUs with models.huge.gpus, or lower its memory.");
    }

    @Test
    void theAiStackSeedsTable_asrOnGpus0And1_ocrAndVllmOn2And3() {
        use(config(model("asr-a", 20 * GIB).gpus(0), model("asr-b", 20 * GIB).gpus(1),
                model("ocr", 10 * GIB).gpus(2), model("vllm", 120 * GIB).gpus(2, 3)), gpus(80, 80, 80, 80));

        for (String m : List.of("asr-a", "asr-b", "ocr", "vllm")) request(m, 0);

        assertThat(fx.placements).containsExactly("asr-a [0]", "asr-b [1]", "ocr [2]", "vllm [2, 3]");
        assertThat(fx.stops()).isEmpty();
        assertThat(core.usedOn(2)).isEqualTo(70 * GIB);
    }

    @Test
    void waitingForMemory_namesEachGpusFreeMemory() {
        use(config(model("a", 70 * GIB).gpus(0), model("b", 70 * GIB).gpus(1), model("c", 20 * GIB)), gpus(80, 80));
        request("a", 0);
        core.onLoaded("a", at(0));
        request("b", 0);
        core.onLoaded("b", at(0));
        long waiting = request("c", 1);

        core.onTick(at(31));

        assertThat(fx.failures.get(waiting)).hasMessageStartingWith("Model 'c' needs 20 GiB on one GPU but free are:"
                + " GPU 0 10 GiB of 80 GiB, GPU 1 10 GiB of 80 GiB; held by: a (70 GiB, 1 request in flight),"
                + " b (70 GiB, 1 request in flight).");
    }

    @Test
    void onOnePool_noGpuIsNamed_andOnAUnifiedGpuItIsGpu0() {
        use(config(model("a", GIB)), List.of(new Device(0, "memory", 10 * GIB, false)));
        request("a", 0);
        assertThat(fx.placements).containsExactly("a []");

        fx.placements.clear();
        use(config(model("a", GIB)), List.of(new Device(0, "NVIDIA GB10 (unified memory)", 100 * GIB, true)));
        request("a", 0);
        assertThat(fx.placements).containsExactly("a [0]");
    }
}
