package dev.hearth.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeysTest {
    @TempDir
    Path dir;

    @Test
    void withKeysFile_routesNeedABearerKey_butHealthAndTheApiDocsDoNot() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "# team keys\nsk-first\n\nsk-second\n");
        try (TestHearth h = new TestHearth(dir, "api_keys_file: " + keys, """
                embed:
                  engine: onnx-embeddings
                """)) {
            HttpResponse<String> anonymous = h.get("/v1/models");
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).contains("\"type\":\"authentication_error\"")
                    .contains("Authorization: Bearer <key>");
            assertThat(h.send(withKey(h, "/v1/models", "sk-wrong")).statusCode()).isEqualTo(401);
            assertThat(h.send(withKey(h, "/v1/models", "sk-second")).statusCode()).isEqualTo(200);
            assertThat(h.get("/health").statusCode()).isEqualTo(200);
            assertThat(h.get("/ready").statusCode()).isEqualTo(200);
            assertThat(h.get("/openapi.json").statusCode()).isEqualTo(200);
            assertThat(h.get("/docs").statusCode()).isEqualTo(200);
            assertThat(h.get("/docs/swagger-ui.css").statusCode()).isEqualTo(200);
            assertThat(h.get("/docs/no-such-file.js").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void jobOwner_survivesARestart_soAnotherUserStillGets404() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "sk-alice-00000001 name=alice role=user\n"
                + "sk-bob-000000001 name=bob role=user\nsk-root-00000001 name=root\n");
        String id;
        try (TestHearth h = new TestHearth(dir, "api_keys_file: " + keys, DialectSupport.TESTSRC)) {
            HttpResponse<String> r = h.send(post(h, "/v1/jobs", "sk-alice-00000001",
                    "{\"model\":\"testsrc\",\"prompt\":\"a fox\"}"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            id = DialectSupport.json(r).path("id").asText();
        }
        try (TestHearth h = new TestHearth(dir, "api_keys_file: " + keys, DialectSupport.TESTSRC)) {
            assertThat(h.send(withKey(h, "/v1/jobs/" + id, "sk-bob-000000001")).statusCode()).isEqualTo(404);
            assertThat(h.send(withKey(h, "/v1/jobs/" + id, "sk-alice-00000001")).statusCode()).isEqualTo(200);
            assertThat(DialectSupport.json(h.send(withKey(h, "/v1/jobs/" + id, "sk-root-00000001")))
                    .path("owner").asText()).isEqualTo("alice");
        }
    }

    @Test
    void withoutKeys_everyCallerIsTheLocalAdmin_andItsJobsHaveNoOwner() {
        try (TestHearth h = new TestHearth(dir, "", DialectSupport.TESTSRC)) {
            assertThat(h.get("/api/me").body()).isEqualTo("{\"name\":\"local\",\"role\":\"admin\",\"auth\":false}");
            HttpResponse<String> r = h.post("/v1/jobs", "{\"model\":\"testsrc\",\"prompt\":\"p\",\"priority\":9}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(DialectSupport.json(r).path("owner").isNull()).isTrue();
        }
    }

    private static HttpRequest post(TestHearth h, String path, String key, String json) {
        return HttpRequest.newBuilder(h.uri(path)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static HttpRequest withKey(TestHearth h, String path, String key) {
        return HttpRequest.newBuilder(h.uri(path)).header("Authorization", "Bearer " + key).GET().build();
    }
}
