package dev.hearth.app;

import dev.hearth.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tokens generated reach the metrics (and the web UI's tokens/s chart): a whole answer's
 * usage.completion_tokens, and a stream's events (one token each, as llama.cpp sends them).
 */
class TokenMetricsTest {
    @TempDir
    Path dir;

    @Test
    void tokens_fromAWholeAnswersUsage_andFromAStreamsEvents() {
        try (TestHearth h = new TestHearth(dir, "", TestModels.storiesAndEmbeddingsYaml())) {
            String whole = h.post("/v1/chat/completions", TestHearth.chat("stories", "\"max_tokens\":5")).body();
            long usage = Long.parseLong(find(whole, "\"completion_tokens\":(\\d+)"));
            // a request's metrics are recorded as it ends, a moment after its client has the whole answer
            await().atMost(Duration.ofSeconds(10)).until(() -> tokens(h) == usage);

            String stream = h.post("/v1/chat/completions", TestHearth.chat("stories", "\"stream\":true,\"max_tokens\":5")).body();
            long events = stream.lines().filter(l -> l.startsWith("data:")).count() - 1; // less [DONE]

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(tokens(h)).isEqualTo(usage + events);
                assertThat(h.get("/metrics").body()).contains("hearth_time_to_first_token_seconds_count{model=\"stories\"} 1");
            });
        }
    }

    private static long tokens(TestHearth h) {
        return (long) Double.parseDouble(find(h.get("/metrics").body(), "hearth_tokens_total\\{model=\"stories\"} ([0-9.E]+)"));
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }
}
