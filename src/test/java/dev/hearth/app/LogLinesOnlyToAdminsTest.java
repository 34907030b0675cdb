package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression: an engine's last log lines (vLLM logs prompts: other users' prompts) reached every
 * client in 502 bodies, and any key could read them in /api/models' last_error. A user key gets the
 * short reason; an admin key reads the lines.
 */
class LogLinesOnlyToAdminsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN = "sk-admin-logs-000001";
    static final String USER = "sk-user-logs-0000001";

    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), ADMIN + "\n" + USER + " name=carol role=user\n");
        h = new TestHearth(dir, "api_keys_file: " + keys, """
                broken:
                  engine: process
                  cmd: 'echo "port ${PORT}"; echo "prompt from another user: my secret plan" >&2; exit 3'
                  memory: 1GiB
                """);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static HttpResponse<String> send(String key, HttpRequest.Builder b) {
        return h.send(b.header("Authorization", "Bearer " + key).build());
    }

    static JsonNode broken(String key) throws Exception {
        HttpResponse<String> r = send(key, HttpRequest.newBuilder(h.uri("/api/models/broken")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void engineLogLines_reachOnlyAdmins_notAUserKeysFailureAnswerOrModelStatus() throws Exception {
        HttpResponse<String> failed = send(USER, HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(TestHearth.chat("broken", ""))));

        assertThat(failed.statusCode()).as(failed.body()).isBetween(500, 599);
        assertThat(failed.body()).contains("broken").doesNotContain("my secret plan");
        assertThat(broken(USER).path("last_error").asText()).isNotEmpty().doesNotContain("my secret plan");
        assertThat(broken(ADMIN).path("last_error").asText()).contains("my secret plan");

        HttpResponse<String> logs = send(ADMIN, HttpRequest.newBuilder(h.uri("/api/models/broken/logs")));
        assertThat(logs.body()).contains("my secret plan");
        HttpResponse<String> userLogs = send(USER, HttpRequest.newBuilder(h.uri("/api/models/broken/logs")));
        assertThat(userLogs.statusCode()).isEqualTo(403);
    }
}
