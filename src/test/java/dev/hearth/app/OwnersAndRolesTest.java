package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several API keys on one real Hearth: an admin (a bare key line) and two users. A user's jobs are
 * its own in every dialect, admin-only routes are 403 for it, and so is a priority above the cap.
 */
class OwnersAndRolesTest {
    static final String ADMIN = "sk-admin-0000000001";
    static final String ALICE = "sk-alice-0000000001";
    static final String BOB = "sk-bob-00000000001";

    @TempDir
    static Path dir;
    static TestHearth h;
    /** Jobs a test left running; the admin cancels them after it. */
    final List<String> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), """
                # one admin (a bare key) and two users
                %s
                %s  name=alice role=user
                %s  name=bob   role=user
                """.formatted(ADMIN, ALICE, BOB));
        h = new TestHearth(dir, "api_keys_file: " + keys + "\nmax_user_priority: 2", DialectSupport.TESTSRC);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @AfterEach
    void cancelWhatWasStarted() {
        started.forEach(id -> send(ADMIN, "DELETE", "/v1/jobs/" + id, null));
    }

    static HttpResponse<String> send(String key, String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.uri(path)).header("Authorization", "Bearer " + key)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) b.header("Content-Type", "application/json");
        return h.send(b.build());
    }

    static HttpResponse<String> get(String key, String path) {
        return send(key, "GET", path, null);
    }

    /** A testsrc job held unfinished (testsrc's hold) until it is cancelled: queued or running while the test looks. */
    String longJob(String key) {
        HttpResponse<String> r = send(key, "POST", "/v1/jobs",
                "{\"model\":\"testsrc\",\"prompt\":\"long\",\"params\":{\"hold\":true}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = json(r).path("id").asText();
        started.add(id);
        return id;
    }

    @Test
    void userKey_getsNotFound_onAnotherUsersJob_inEveryDialect() {
        String a = longJob(ALICE);
        String unknown = json(get(BOB, "/v1/jobs/j_doesNotExist0000000")).path("error").path("message").asText()
                .replace("j_doesNotExist0000000", a);

        for (String path : List.of("/v1/jobs/" + a, "/v1/jobs/" + a + "/events", "/v1/jobs/" + a + "/outputs/video.mp4",
                "/v1/tasks/" + a + "/status", "/v1/tasks/" + a + "/result",
                "/models/testsrc/jobs/" + a, "/models/testsrc/jobs/" + a + "/download",
                "/v1/videos/" + a, "/v1/videos/" + a + "/content")) {
            HttpResponse<String> r = get(BOB, path);
            assertError(r, 404, null);
            // exactly as for an id that never existed: nothing tells that the job is there
            assertThat(json(r).path("error").path("message").asText()).as(path).isEqualTo(unknown);
        }
        for (String path : List.of("/v1/jobs/" + a, "/v1/tasks/" + a, "/v1/videos/" + a)) {
            assertError(send(BOB, "DELETE", path, null), 404, null);
        }
        assertThat(json(get(ALICE, "/v1/jobs/" + a)).path("state").asText()).isIn("queued", "running");
        assertThat(get(ALICE, "/v1/tasks/" + a + "/status").statusCode()).isEqualTo(200);
        assertThat(get(ALICE, "/models/testsrc/jobs/" + a).statusCode()).isEqualTo(200);
        assertThat(get(ALICE, "/v1/videos/" + a).statusCode()).isEqualTo(200);
        JsonNode asAdmin = json(get(ADMIN, "/v1/jobs/" + a));
        assertThat(asAdmin.path("owner").asText()).isEqualTo("alice");
        assertThat(asAdmin.path("state").asText()).isIn("queued", "running"); // Bob's DELETEs changed nothing
    }

    @Test
    void userKey_listsOnlyItsOwnJobs_inEveryDialect_andAdminListsAll() {
        String a = longJob(ALICE);
        String b = longJob(BOB);

        assertThat(ids(json(get(BOB, "/v1/jobs?limit=100")).path("data"))).contains(b).doesNotContain(a);
        assertThat(ids(json(get(BOB, "/v1/videos?limit=100")).path("data"))).contains(b).doesNotContain(a);
        JsonNode tasks = json(get(BOB, "/v1/tasks/"));
        assertThat(tasks.has(b)).isTrue();
        assertThat(tasks.has(a)).isFalse();
        JsonNode queue = json(get(BOB, "/v1/tasks/queue/status"));
        assertThat(queue.path("pending_tasks").toString() + queue.path("running_tasks")).doesNotContain(a);

        JsonNode all = json(get(ADMIN, "/v1/jobs?limit=100")).path("data");
        assertThat(ids(all)).contains(a, b);
        assertThat(StreamSupport.stream(all.spliterator(), false).filter(j -> j.path("id").asText().equals(b))
                .findFirst().orElseThrow().path("owner").asText()).isEqualTo("bob");
        assertThat(json(get(BOB, "/v1/jobs/" + b)).has("owner")).as("owner is for admins").isFalse();
    }

    @Test
    void userCancelAllRunning_cancelsOnlyItsOwnTasks_andLeavesAnotherUsersJobAlone() {
        String a = longJob(ALICE);
        String b = longJob(BOB);

        JsonNode stop = json(send(BOB, "DELETE", "/v1/tasks/all/running", null));

        assertThat(stop.path("cancelled").toString()).contains(b).doesNotContain(a);
        assertThat(json(get(ALICE, "/v1/jobs/" + a)).path("state").asText()).isNotIn("cancelling", "cancelled");
        await().atMost(Duration.ofSeconds(90)).until(() -> json(get(BOB, "/v1/jobs/" + b)).path("state").asText(),
                "cancelled"::equals);
        assertThat(json(send(ADMIN, "DELETE", "/v1/tasks/all/running", null)).path("cancelled").toString()).contains(a);
    }

    @Test
    void userKey_getsForbidden_onLoadUnloadPinLogs_andVideosDgxUnload_butAdminDoesNot() {
        for (String[] route : new String[][]{{"POST", "/api/models/testsrc/load"}, {"POST", "/api/models/testsrc/unload"},
                {"POST", "/api/models/testsrc/pin"}, {"POST", "/api/models/testsrc/unpin"},
                {"GET", "/api/models/testsrc/logs"}, {"POST", "/models/testsrc/unload"}}) {
            HttpResponse<String> r = send(ALICE, route[0], route[1], route[0].equals("POST") ? "{}" : null);
            assertError(r, 403, null);
            assertThat(json(r).path("error").path("type").asText()).isEqualTo("permission_error");
            assertThat(json(r).path("error").path("message").asText()).contains("'alice' has role user");
        }
        assertThat(send(ADMIN, "POST", "/api/models/testsrc/unload", "{}").statusCode()).isEqualTo(200);
        assertThat(json(send(ADMIN, "POST", "/api/models/testsrc/pin", "{}")).path("pinned").asBoolean()).isTrue();
        assertThat(json(get(ALICE, "/api/models/testsrc")).path("pinned").asBoolean()).isTrue();
        assertThat(json(send(ADMIN, "POST", "/api/models/testsrc/unpin", "{}")).path("pinned").asBoolean()).isFalse();
        assertThat(get(ADMIN, "/api/models/testsrc/logs").statusCode()).isEqualTo(200);
        assertThat(send(ADMIN, "POST", "/models/testsrc/unload", "{}").statusCode()).isEqualTo(200);
        assertThat(get(ALICE, "/api/models").statusCode()).as("reading the models is for everyone").isEqualTo(200);
    }

    @Test
    void userKey_getsForbidden_onPriorityAboveTheCap_namingPriority() {
        String over = "{\"model\":\"testsrc\",\"prompt\":\"p\",\"priority\":3}";
        assertError(send(ALICE, "POST", "/v1/jobs", over), 403, "priority");
        assertThat(json(send(ALICE, "POST", "/v1/jobs", over)).path("error").path("message").asText())
                .contains("server.max_user_priority");

        HttpResponse<String> atCap = send(ALICE, "POST", "/v1/jobs", "{\"model\":\"testsrc\",\"prompt\":\"p\",\"priority\":2}");
        assertThat(atCap.statusCode()).as(atCap.body()).isEqualTo(200);
        started.add(json(atCap).path("id").asText());
        HttpResponse<String> admin = send(ADMIN, "POST", "/v1/jobs", "{\"model\":\"testsrc\",\"prompt\":\"p\",\"priority\":50}");
        assertThat(admin.statusCode()).as(admin.body()).isEqualTo(200);
        started.add(json(admin).path("id").asText());
    }

    @Test
    void whoami_tellsEachKeysNameAndRole_andABareKeyIsAnAdmin() {
        JsonNode alice = json(get(ALICE, "/api/me"));
        assertThat(alice.path("name").asText()).isEqualTo("alice");
        assertThat(alice.path("role").asText()).isEqualTo("user");
        JsonNode admin = json(get(ADMIN, "/api/me"));
        assertThat(admin.path("name").asText()).startsWith("key-");
        assertThat(admin.path("role").asText()).isEqualTo("admin");
        assertThat(admin.path("auth").asBoolean()).isTrue();
        assertError(h.get("/api/me"), 401, null);
    }

    @Test
    @Timeout(180) // ends a read of a stream that never shows the job; Awaitility's bounds are inside
    void apiEvents_showAUserKeyOnlyItsOwnJobs_andAnAdminEveryJob() throws Exception {
        try (BufferedReader bob = events(BOB); BufferedReader admin = events(ADMIN)) {
            String a = longJob(ALICE);
            await().atMost(Duration.ofSeconds(90)).until(() -> json(get(ADMIN, "/v1/jobs/" + a)).path("state").asText(),
                    "running"::equals);
            String b = longJob(BOB); // runs once Alice's job is out of the way
            send(ADMIN, "DELETE", "/v1/jobs/" + a, null);

            assertThat(jobIdsUntil(bob, b)).doesNotContain(a);
            assertThat(jobIdsUntil(admin, b)).contains(a);
        }
    }

    /** {@code GET /api/events} as this key, past its opening comment. */
    static BufferedReader events(String key) throws Exception {
        HttpResponse<InputStream> r = h.http.send(HttpRequest.newBuilder(h.uri("/api/events"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).startsWith(":");
        return in;
    }

    /** The ids of the job events read, up to and with the first of job {@code last}. */
    static List<String> jobIdsUntil(BufferedReader in, String last) throws Exception {
        List<String> ids = new ArrayList<>();
        String name = "";
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("event:")) name = line.substring("event:".length()).strip();
            if (line.startsWith("data:") && name.equals("job")) {
                ids.add(Jobs.json(line.substring("data:".length())).path("id").asText());
                if (ids.getLast().equals(last)) return ids;
            }
        }
        throw new AssertionError("the stream ended before an event of " + last + "; job events seen: " + ids);
    }

    private static List<String> ids(JsonNode data) {
        return StreamSupport.stream(data.spliterator(), false).map(j -> j.path("id").asText()).toList();
    }
}
