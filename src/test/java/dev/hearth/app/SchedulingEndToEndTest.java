package dev.hearth.app;

import dev.hearth.TestModels;
import dev.hearth.engine.ProcessEngine;
import dev.hearth.observe.Hardware;
import dev.hearth.scheduler.ModelEvent;
import dev.hearth.scheduler.ModelState;
import dev.hearth.scheduler.StopReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduler's rules with real engine processes: idle unload and eviction order. */
class SchedulingEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void idleModel_isUnloaded_andItsProcessEnds_afterItsIdleTtl() {
        try (TestHearth h = new TestHearth(dir, "", """
                stories:
                  engine: llamacpp
                  path: %s
                  idle_unload: 1s
                """.formatted(TestModels.stories260K()))) {
            assertThat(h.post("/v1/chat/completions", TestHearth.chat("stories", "\"max_tokens\":2")).statusCode())
                    .isEqualTo(200);
            long pid = ((ProcessEngine) h.hearth.scheduler().engine("stories")).pid().orElseThrow();

            await().atMost(Duration.ofSeconds(30)).until(() -> state(h, "stories") == ModelState.UNLOADED);
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        }
    }

    @Test
    void underASmallBudget_theLeastRecentlyUsedIdleModelIsEvicted_andPinnedOnesNever_byDeclaredMemory() {
        String models = """
                a:
                  engine: llamacpp
                  path: %1$s
                  memory: 100MiB
                  pinned: true
                b:
                  engine: llamacpp
                  path: %1$s
                  memory: 100MiB
                c:
                  engine: llamacpp
                  path: %1$s
                  memory: 100MiB
                d:
                  engine: llamacpp
                  path: %1$s
                  memory: 100MiB
                """.formatted(TestModels.stories260K());
        // the declared figures only: the engines' measured footprints (rule 8, ~150 MiB of resident memory
        // each here, depending on the machine) would change which model goes; /proc is read from an empty dir
        Hardware declaredOnly = new Hardware(command -> { throw new java.io.IOException("no nvidia-smi"); },
                Path.of("/proc/meminfo"), dir.resolve("no-proc"));
        try (TestHearth h = new TestHearth(dir, "memory_budget: 300MiB", models, declaredOnly)) {
            List<ModelEvent> events = new CopyOnWriteArrayList<>();
            h.hearth.scheduler().addListener(events::add);
            for (String m : List.of("a", "b", "c", "b")) { // c is now the least recently used of the unpinned
                assertThat(h.post("/v1/chat/completions", TestHearth.chat(m, "\"max_tokens\":1")).statusCode()).isEqualTo(200);
            }

            assertThat(h.post("/v1/chat/completions", TestHearth.chat("d", "\"max_tokens\":1")).statusCode()).isEqualTo(200);

            assertThat(events).filteredOn(e -> e.type() == ModelEvent.Type.UNLOADED)
                    .extracting(ModelEvent::model, ModelEvent::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("c", StopReason.EVICTED));
            // the last request's lease is given back just after its answer's last byte went out, so d may
            // still read BUSY for a moment when the client already has the answer
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(state(h, "a")).isEqualTo(ModelState.READY);
                assertThat(state(h, "b")).isEqualTo(ModelState.READY);
                assertThat(state(h, "d")).isEqualTo(ModelState.READY);
            });
            assertThat(h.hearth.scheduler().usedBytes()).isLessThanOrEqualTo(300L << 20);
        }
    }

    private static ModelState state(TestHearth h, String model) {
        return h.hearth.scheduler().status().stream().filter(s -> s.name().equals(model)).findFirst().orElseThrow()
                .state();
    }
}
