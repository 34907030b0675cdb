package dev.hearth.jobs;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobTest {
    @Test
    void newId_isJPrefixAndTwentyUrlSafeChars_andUnique() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = Job.newId();
            assertThat(id).matches("j_[A-Za-z0-9_-]{20}");
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void create_makesQueuedJobWithMillisecondTimes() {
        Instant now = Instant.parse("2026-01-01T00:00:00.123456789Z");
        Job j = Job.create("wan", "t2v", Dialect.OPENAI, null, null, 0, 3, "a cat", now);
        assertThat(j.state()).isEqualTo(JobState.QUEUED);
        assertThat(j.times().created()).isEqualTo(Instant.parse("2026-01-01T00:00:00.123Z"));
        assertThat(j.params().text()).isEqualTo("{}");
        assertThat(j.inputs()).isEqualTo(Map.of());
        assertThat(j.version()).isZero();
    }

    @Test
    void withEnhancedPrompt_keepsTheFirstOriginal_whenEnhancedTwice() {
        Job j = Job.create("wan", "t2v", Dialect.NATIVE, "{}", Map.of(), 0, 1, "cat", Instant.EPOCH)
                .withEnhancedPrompt("a fluffy cat").withEnhancedPrompt("a very fluffy cat");
        assertThat(j.prompt()).isEqualTo("a very fluffy cat");
        assertThat(j.originalPrompt()).isEqualTo("cat");
    }

    @Test
    void constructor_refusesZeroMaxAttempts() {
        assertThatThrownBy(() -> Job.create("wan", "t2v", Dialect.NATIVE, "{}", Map.of(), 0, 0, "p", Instant.EPOCH))
                .hasMessageContaining("maxAttempts");
    }
}
