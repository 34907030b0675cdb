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
    void withKeysFile_routesNeedABearerKey_butHealthDoesNot() throws Exception {
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
        }
    }

    private static HttpRequest withKey(TestHearth h, String path, String key) {
        return HttpRequest.newBuilder(h.uri(path)).header("Authorization", "Bearer " + key).GET().build();
    }
}
