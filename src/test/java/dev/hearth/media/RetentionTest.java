package dev.hearth.media;

import dev.hearth.media.Retention.FinishedJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static FinishedJob job(String id, long hoursAgo, long bytes) {
        return new FinishedJob(id, NOW.minus(Duration.ofHours(hoursAgo)), bytes);
    }

    @Test
    void decide_deletesJobsOlderThanMaxAge_whenNoCap() {
        var jobs = List.of(job("new", 1, 10), job("old", 30, 10), job("older", 50, 10));

        assertThat(Retention.decide(jobs, NOW, Duration.ofHours(24), 0)).containsExactly("older", "old");
    }

    @Test
    void decide_deletesOldestFirstUntilUnderCap_whenOverCap() {
        var jobs = List.of(job("c", 1, 400), job("a", 3, 300), job("b", 2, 300));

        // 1000 bytes, cap 500: drop a (300 → 700), then b (→ 400)
        assertThat(Retention.decide(jobs, NOW, null, 500)).containsExactly("a", "b");
    }

    @Test
    void decide_countsOnlySurvivorsAgainstCap_whenSomeExpired() {
        var jobs = List.of(job("fresh", 1, 400), job("mid", 5, 400), job("stale", 100, 5000));

        assertThat(Retention.decide(jobs, NOW, Duration.ofHours(48), 800)).containsExactly("stale");
        assertThat(Retention.decide(jobs, NOW, Duration.ofHours(48), 799)).containsExactly("stale", "mid");
    }

    @Test
    void decide_deletesNothing_whenUnderLimits() {
        var jobs = List.of(job("a", 1, 100), job("b", 2, 100));

        assertThat(Retention.decide(jobs, NOW, Duration.ofDays(7), 1000)).isEmpty();
        assertThat(Retention.decide(List.of(), NOW, Duration.ofDays(7), 1)).isEmpty();
    }

    @Test
    void remove_deletesInputsAndOutputsOfThatJobOnly(@TempDir Path data) throws IOException {
        for (String id : List.of("gone", "kept")) {
            Files.createDirectories(data.resolve("outputs/" + id));
            Files.writeString(data.resolve("outputs/" + id + "/video.mp4"), "0123456789");
            Files.createDirectories(data.resolve("inputs/" + id));
            Files.writeString(data.resolve("inputs/" + id + "/image.png"), "01234");
        }
        assertThat(Retention.bytesOnDisk(data, "gone")).isEqualTo(15);

        Retention.remove(data, "gone");

        assertThat(data.resolve("outputs/gone")).doesNotExist();
        assertThat(data.resolve("inputs/gone")).doesNotExist();
        assertThat(data.resolve("outputs/kept/video.mp4")).exists();
        assertThat(Retention.bytesOnDisk(data, "gone")).isZero();
    }
}
