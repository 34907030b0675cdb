package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.awaitField;
import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/** LightX2V's image_path as a local file: only under media.allowed_paths, never out of it. */
class AllowedPathsTest {
    @TempDir
    Path dir;

    private static String task(Path image) {
        return "{\"prompt\": \"the card moves\", \"image_path\": \"" + image + "\"}";
    }

    @Test
    void imagePath_isRead_underAnAllowedPath_andRefused_outsideIt_evenThroughDotDotOrASymlink() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("images"));
        Path cat = Files.write(allowed.resolve("cat.png"), DialectSupport.png());
        Path secret = Files.write(dir.resolve("secret.png"), DialectSupport.png());
        Path link = Files.createSymbolicLink(allowed.resolve("link.png"), secret);
        try (TestHearth h = new TestHearth(dir, "", DialectSupport.TESTSRC,
                "media:\n  allowed_paths: [" + allowed + "]\n")) {
            HttpResponse<String> ok = h.post("/v1/tasks/", task(cat));
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            String id = json(ok).path("task_id").asText();
            JsonNode done = awaitField(h, "/v1/tasks/" + id + "/status", "status", "completed", "failed");
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
            assertThat(h.hearth.jobs().get(id).task()).isEqualTo("i2v");

            assertError(h.post("/v1/tasks/", task(Path.of(allowed + "/../secret.png"))), 400, "image_path");
            assertError(h.post("/v1/tasks/", task(link)), 400, "image_path");
            assertError(h.post("/v1/tasks/", task(secret)), 400, "image_path");
            assertError(h.post("/v1/tasks/", task(allowed.resolve("missing.png"))), 400, "image_path");
        }
    }

    @Test
    void imagePath_isRefused_whenNoPathIsAllowed() throws Exception {
        Path cat = Files.write(dir.resolve("cat.png"), DialectSupport.png());
        try (TestHearth h = new TestHearth(dir, "", DialectSupport.TESTSRC)) {
            HttpResponse<String> r = h.post("/v1/tasks/", task(cat));
            assertError(r, 400, "image_path");
            assertThat(r.body()).contains("not accepted");
        }
    }
}
