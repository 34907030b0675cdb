package dev.hearth.config;

import dev.hearth.catalog.HearthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.hearth.catalog.ConfigFiles.load;
import static dev.hearth.catalog.ConfigFiles.refused;
import static org.assertj.core.api.Assertions.assertThat;

/** A model's limits: (what its worker's --describe prints) and the checks {@link JobLimits} makes of a job. */
class JobLimitsConfigTest {
    @TempDir
    Path dir;

    @Test
    void load_readsLimits_asTheWorkersDescribePrintsThem_andNoneWhenAbsent() {
        HearthConfig c = load(dir, """
                models:
                  wan:
                    engine: testsrc
                    limits: {"tasks": ["t2v"], "size_multiple": 16, "max_side": 4096, "frame_step": 4, "max_frames": 1025, "max_steps": 1000, "max_seconds": 600, "max_fps": 120, "min_seed": 0, "max_seed": 9223372036854775807, "dtypes": ["bf16", "fp8"]}
                  plain:
                    engine: testsrc
                """);

        JobLimits l = c.models().get("wan").jobs().limits();
        assertThat(l).isEqualTo(new JobLimits(List.of("t2v"), 16, 4096, 4, 1025, 1000, 600.0, 120, 0L, Long.MAX_VALUE,
                List.of("bf16", "fp8")));
        assertThat(c.models().get("plain").jobs().limits()).isEqualTo(JobLimits.NONE);
    }

    @Test
    void load_refusesAnUnknownLimit_withTheFileAndTheKey() {
        ConfigException e = refused(dir, """
                models:
                  wan:
                    engine: testsrc
                    limits: { size_multiple: 16, max_widht: 4096 }
                """);

        assertThat(e.problems()).singleElement().asString()
                .contains("hearth.yaml:4: models.wan.limits").contains("unknown key 'max_widht'").contains("max_side");
    }

    @Test
    void check_namesTheBrokenParam_andLetsThroughWhatIsWithinOrNotGiven() {
        JobLimits l = new JobLimits(List.of("t2v", "i2v"), 16, 4096, 4, 81, 50, 10.0, 30, 0L, 1000L, null);

        assertThat(l.check("t2v", Map.of("size", "832x480", "fps", 16, "seconds", 5, "steps", 50, "seed", 1000))).isEmpty();
        assertThat(l.check("t2v", Map.of())).isEmpty();
        assertThat(l.check("v2v", Map.of()).orElseThrow().field()).isEqualTo("task");
        assertThat(l.check("t2v", Map.of("size", "840x480")).orElseThrow().message()).contains("multiples of 16")
                .contains("try 832x480");
        assertThat(l.check("t2v", Map.of("size", "8192x480")).orElseThrow().field()).isEqualTo("size");
        assertThat(l.check("t2v", Map.of("steps", 51)).orElseThrow().field()).isEqualTo("steps");
        assertThat(l.check("t2v", Map.of("seed", -1L)).orElseThrow().field()).isEqualTo("seed");
        JobLimits full = new JobLimits(null, null, null, null, null, null, null, null, 0L, Long.MAX_VALUE - 1, null);
        assertThat(full.check("t2v", Map.of("seed", Long.MAX_VALUE - 1))).isEmpty();
        assertThat(full.check("t2v", Map.of("seed", Long.MAX_VALUE)).orElseThrow().message()).contains("got " + Long.MAX_VALUE);
        assertThat(l.check("t2v", Map.of("fps", 31)).orElseThrow().field()).isEqualTo("fps");
        assertThat(l.check("t2v", Map.of("seconds", 10.5)).orElseThrow().field()).isEqualTo("seconds");
        // 5.1 s at 16 fps = 82 frames, rounded like the worker to 4k+1 = 81: within; 5.4 s = 86 → 85: over
        assertThat(l.check("t2v", Map.of("seconds", 5.1, "fps", 16))).isEmpty();
        assertThat(l.check("t2v", Map.of("seconds", 5.4, "fps", 16)).orElseThrow().message()).contains("85 frames");
        assertThat(l.check("t2v", Map.of("num_frames", 90, "fps", 16)).orElseThrow().field()).isEqualTo("num_frames");
    }

    @Test
    void frames_roundLikeThePythonWorker_tiesToEven() {
        JobLimits l = new JobLimits(null, null, null, 4, null, null, null, null, null, null, null);
        assertThat(l.frames(5, 16)).isEqualTo(81);     // 80 → k = round(79/4 = 19.75) = 20
        assertThat(l.frames(11 / 16.0, 16)).isEqualTo(9);   // 11 → k = round(2.5) = 2 (Python rounds ties to even)
        assertThat(l.frames(0.01, 16)).isEqualTo(5);   // at least k = 1
    }
}
