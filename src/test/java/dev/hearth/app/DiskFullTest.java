package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A really full data directory (a 2 MiB tmpfs, filled): submitting answers a named 507 in the
 * error envelope, and Hearth recovers by itself once space is freed, without a restart.
 */
class DiskFullTest {
    @TempDir
    Path dir;

    @Test
    void submitting_answers507NamingTheDataDir_andWorksAgainOnceSpaceIsFreed_whenTheDataDirIsFull() throws Exception {
        Path data = dir.resolve("data");
        try (Tmpfs disk = Tmpfs.mount(data, "2m")) {
            try (TestHearth h = new TestHearth(dir, "", JobsApiTest.TESTSRC)) {
                Jobs jobs = new Jobs(h.hearth.baseUri());
                // the write-ahead log emptied, so the next write must find new space
                await().atMost(Duration.ofSeconds(30)).until(() -> truncateWal(data.resolve("jobs.db")));
                Path filler = data.resolve("filler");
                assertThat(disk.fill(filler)).isPositive();

                for (int i = 0; i < 3; i++) { // every time the same answer: nothing is wedged
                    assertFull(jobs.post("{\"model\":\"testsrc\",\"prompt\":\"full " + i + "\"}"), "job database");
                }
                // SQLite may free a page or two when a write fails, so the small image itself can fit and
                // the job's row is what cannot be written: either way a 507 naming what is full
                HttpResponse<String> imageRefused = jobs.post("{\"model\":\"testsrc\",\"prompt\":\"full\",\"image\":\""
                        + png() + "\"}");
                assertFull(imageRefused, imageRefused.body().contains("input 'image'") ? "input 'image'" : "job database");

                Files.delete(filler);

                String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"room again\"}").path("id").asText();
                jobs.awaitState(id, "succeeded", Duration.ofSeconds(60));
                String withImage = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"image\",\"image\":\"" + png() + "\"}")
                        .path("id").asText();
                jobs.awaitState(withImage, "succeeded", Duration.ofSeconds(60));
            }
        }
    }

    /** True once SQLite emptied the write-ahead log (a reader mid-query makes it retry). */
    private static boolean truncateWal(Path db) throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
            rs.next();
            return rs.getInt(1) == 0;
        }
    }

    private void assertFull(HttpResponse<String> r, String what) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(507);
        JsonNode error = Jobs.json(r.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("insufficient_storage");
        assertThat(error.path("message").asText()).contains("data directory 'data' is full").contains(what)
                .doesNotContain(dir.toString());
    }

    private static String png() {
        return "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(DialectSupport.png());
    }
}
