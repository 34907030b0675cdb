package dev.hearth.app;

import dev.hearth.media.Retention;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** server.retention_max_bytes: the oldest finished jobs and their files go until the rest fit. */
class RetentionDiskCapTest {
    @TempDir
    Path dir;

    @Test
    void retentionByDiskCap_removesTheOldestFinishedJobsFiles_untilUnderTheCap() throws Exception {
        List<String> ids = new ArrayList<>();
        try (TestHearth h = new TestHearth(dir, "", JobsApiTest.TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            for (String prompt : List.of("first", "second", "third")) {
                String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"" + prompt + "\"}").path("id").asText();
                jobs.awaitState(id, "succeeded", Duration.ofSeconds(60));
                ids.add(id);
            }
        }
        Path data = dir.resolve("data");
        long newest = Retention.bytesOnDisk(data, ids.get(2));
        assertThat(newest).isPositive();

        // the same data dir again, now capped at what the newest job takes: the two older ones must go
        try (TestHearth h = new TestHearth(dir, "retention_max_bytes: " + newest + "\n", JobsApiTest.TESTSRC)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(data.resolve("outputs").resolve(ids.get(1))));

            assertThat(data.resolve("outputs").resolve(ids.get(0))).doesNotExist();
            assertThat(data.resolve("outputs").resolve(ids.get(2))).isDirectory();
            assertThat(status(h, ids.get(0))).isEqualTo(404);
            assertThat(status(h, ids.get(1))).isEqualTo(404);
            assertThat(status(h, ids.get(2))).isEqualTo(200);
        }
    }

    private static int status(TestHearth h, String id) {
        return h.send(HttpRequest.newBuilder(h.uri("/v1/jobs/" + id)).GET().build()).statusCode();
    }
}
