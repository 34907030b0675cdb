package dev.hearth.scheduler;

import dev.hearth.catalog.ModelSpec;
import org.junit.jupiter.api.Test;

import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;

/** Rule 8 against the recording fake: the measured footprint replaces the declared memory. */
class SchedulerCoreMemoryTest extends CoreTestSupport {

    @Test
    void aMeasuredFootprint_replacesTheDeclaredMemory_forLaterDecisions() {
        use(config(model("a", 4 * GIB), model("b", 4 * GIB)), 10 * GIB);
        readyAndIdle("a", 0, 1);

        core.onMeasured("a", 8 * GIB, "gpu", true, at(2));
        request("b", 3);

        assertThat(status("a").memoryBytes()).isEqualTo(8 * GIB);
        assertThat(status("a").declaredBytes()).isEqualTo(4 * GIB);
        assertThat(status("a").measuredBy()).isEqualTo("gpu");
        assertThat(fx.stops()).as("4 + 4 would fit in 10; 8 + 4 does not").containsExactly("stop a EVICTED");
    }

    @Test
    void aModelSmallerThanDeclared_leavesRoomForAnother() {
        use(config(model("a", 8 * GIB), model("b", 6 * GIB)), 10 * GIB);
        readyAndIdle("a", 0, 1);
        core.onMeasured("a", 2 * GIB, "rss", true, at(2));

        request("b", 3);

        assertThat(fx.stops()).isEmpty();
        assertThat(fx.starts()).containsExactly("start a", "start b");
    }

    /**
     * A video worker measured after its load holds its weights only (Wan 2.1 14B fp8 on an H200:
     * ~24 GiB) while its jobs peak far higher (~38 GiB): what it declared stands, or the model packed
     * beside it would run out of memory at the next job.
     */
    @Test
    void aJobWorkerMeasuredUnderItsDeclaredMemory_keepsItsDeclaredMemory() {
        use(config(model("video", 40 * GIB).worker(), model("chat", 20 * GIB)), 50 * GIB);
        readyAndIdle("video", 0, 1);
        core.onMeasured("video", 24 * GIB, "gpu", true, at(2));

        request("chat", 3);

        assertThat(status("video").memoryBytes()).isEqualTo(40 * GIB);
        assertThat(status("video").measuredBytes()).isEqualTo(24 * GIB);
        assertThat(fx.events.stream().filter(e -> e.type() == ModelEvent.Type.MEASURED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("uses 24 GiB (gpu), under its memory: 40 GiB, which"
                        + " Hearth keeps counting (a job's working memory comes on top of the weights)"));
        assertThat(fx.stops()).as("24 + 20 would fit in 50; the worker's 40 + 20 does not").containsExactly("stop video EVICTED");
    }

    /** On unified memory with no CUDA figure for its processes, resident memory alone may miss most of it. */
    @Test
    void aFootprintThatIsNotWhole_onlyRaisesTheDeclaredMemory() {
        use(config(model("a", 36 * GIB), model("b", 20 * GIB)), 50 * GIB);
        readyAndIdle("a", 0, 1);
        core.onMeasured("a", 2 * GIB, "rss", false, at(2));

        request("b", 3);

        assertThat(status("a").memoryBytes()).isEqualTo(36 * GIB);
        assertThat(fx.stops()).as("2 + 20 would fit in 50; 36 + 20 does not").containsExactly("stop a EVICTED");
        assertThat(fx.events.stream().filter(e -> e.type() == ModelEvent.Type.MEASURED)).singleElement()
                .satisfies(e -> assertThat(e.detail()).isEqualTo("uses 2 GiB (rss), under its memory: 36 GiB, which"
                        + " Hearth keeps counting (nvidia-smi listed none of its processes, so their CUDA memory on"
                        + " this unified memory is unseen)"));
    }

    @Test
    void aJobWorkerMeasuredOverItsDeclaredMemory_countsWhatItMeasured() {
        use(config(model("video", 32 * GIB).worker(), model("chat", 20 * GIB)), 60 * GIB);
        readyAndIdle("video", 0, 1);
        core.onMeasured("video", 38 * GIB, "gpu", true, at(2));

        request("chat", 3);

        assertThat(status("video").memoryBytes()).isEqualTo(38 * GIB);
        assertThat(fx.stops()).as("38 + 20 fits in 60").isEmpty();
    }

    @Test
    void aModelAboveItsDeclaredMemory_isReported_once() {
        use(config(model("a", 4 * GIB)), 10 * GIB);
        readyAndIdle("a", 0, 1);

        core.onMeasured("a", 6 * GIB, "gpu", true, at(2));
        core.onMeasured("a", 6 * GIB, "gpu", true, at(17));

        assertThat(fx.events.stream().filter(e -> e.type() == ModelEvent.Type.MEASURED)).singleElement().satisfies(e -> {
            assertThat(e.memoryBytes()).isEqualTo(6 * GIB);
            assertThat(e.detail()).isEqualTo("uses 6 GiB (gpu), more than its memory: 4 GiB; Hearth counts 6 GiB from now on");
        });
    }

    @Test
    void thePeakIsKept_andCountsAgainAtTheNextLoad() {
        use(config(model("a", 4 * GIB)), 10 * GIB);
        readyAndIdle("a", 0, 1);
        core.onMeasured("a", 7 * GIB, "gpu", true, at(2));
        core.onMeasured("a", 5 * GIB, "gpu", true, at(17));
        assertThat(status("a").memoryBytes()).isEqualTo(7 * GIB);

        unloadCommand("a", 20);
        core.onStopped("a", at(21));
        request("a", 30);

        assertThat(fx.events).last().satisfies(e -> {
            assertThat(e.type()).isEqualTo(ModelEvent.Type.LOADING);
            assertThat(e.memoryBytes()).isEqualTo(7 * GIB);
        });
    }

    @Test
    void aModelOfUnknownSize_firstTakesTheBudgetThatIsFree_thenItsMeasuredSize() {
        use(config(model("c", 4 * GIB), model("u", ModelSpec.UNDECLARED), model("d", 3 * GIB)), 10 * GIB);
        readyAndIdle("c", 0, 1);

        request("u", 2);
        assertThat(status("u").memoryBytes()).as("what was free").isEqualTo(6 * GIB);
        assertThat(status("u").declaredBytes()).isNull();
        core.onLoaded("u", at(3));
        core.onMeasured("u", 3 * GIB, "gpu", true, at(3));
        request("d", 4);

        assertThat(status("u").memoryBytes()).isEqualTo(3 * GIB);
        assertThat(fx.starts()).containsExactly("start c", "start u", "start d");
        assertThat(fx.stops()).isEmpty();
    }

    @Test
    void aModelOfUnknownSize_withNothingFree_needsTheWholeBudget() {
        use(config(model("c", 6 * GIB), model("e", 4 * GIB), model("u", ModelSpec.UNDECLARED)), 10 * GIB);
        readyAndIdle("c", 0, 1);
        readyAndIdle("e", 0, 2);

        request("u", 3);

        assertThat(fx.stops()).containsExactlyInAnyOrder("stop c EVICTED", "stop e EVICTED");
        core.onStopped("c", at(4));
        core.onStopped("e", at(4));
        assertThat(fx.starts()).last().isEqualTo("start u");
        assertThat(status("u").memoryBytes()).isEqualTo(10 * GIB);
    }

    @Test
    void whenMeasurementsOvercommitTheBudget_idleModelsGiveWay_neverBusyOnes() {
        use(config(model("a", 4 * GIB), model("b", 4 * GIB), model("busy", 2 * GIB)), 10 * GIB);
        readyAndIdle("b", 0, 1);
        readyAndIdle("a", 0, 2);
        request("busy", 3);
        core.onLoaded("busy", at(3));

        core.onMeasured("busy", 5 * GIB, "gpu", true, at(4));   // 4 + 4 + 5 = 13 in 10

        assertThat(fx.stops()).as("b is the least recently used idle model").containsExactly("stop b EVICTED");
        assertThat(fx.events).filteredOn(e -> e.type() == ModelEvent.Type.UNLOADING).last()
                .extracting(ModelEvent::detail).asString()
                .isEqualTo("the measured footprints of the loaded models exceed the 10 GiB memory budget by 3 GiB");
        core.onMeasured("busy", 5 * GIB, "gpu", true, at(19));
        assertThat(fx.stops()).as("b's stop under way will do").hasSize(1);
    }
}
