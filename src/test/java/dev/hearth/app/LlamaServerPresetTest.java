package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.TestModels;
import dev.hearth.engine.ProcessEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * llama.cpp's own {@code llama-server} as a real process engine, through the {@code llama-server}
 * preset, serving the real stories260K. The binary comes from {@code HEARTH_LLAMA_SERVER}
 * ({@code bin/build-llama-server} builds it and prints its path): without it the test is skipped
 * locally and fails when CI=true, like the PostgreSQL tests.
 */
class LlamaServerPresetTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "stories";
    @TempDir
    static Path dir;
    static TestHearth h;

    /** Why this machine cannot run the test, or null when HEARTH_LLAMA_SERVER names the binary. */
    static String missing() {
        String path = System.getenv("HEARTH_LLAMA_SERVER");
        if (path != null && !path.isBlank() && Files.isExecutable(Path.of(path))) return null;
        return (path == null || path.isBlank() ? "HEARTH_LLAMA_SERVER is not set"
                : "HEARTH_LLAMA_SERVER=" + path + " is not an executable file")
                + "; run: export HEARTH_LLAMA_SERVER=\"$(bin/build-llama-server)\"";
    }

    @BeforeAll
    static void start() {
        String why = missing();
        if (why != null) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            return; // each test is skipped, with the reason
        }
        // the model's env: names the binary, as a user whose llama-server is not on PATH would
        h = new TestHearth(dir, "", """
                stories:
                  engine: llama-server
                  model: %s
                  args: --ctx-size 256 --parallel 1 --threads 1
                  env:
                    HEARTH_LLAMA_SERVER: %s
                  memory: 256MiB
                  stop_grace: 5s
                """.formatted(TestModels.stories260K(), System.getenv("HEARTH_LLAMA_SERVER")));
    }

    @BeforeEach
    void needsLlamaServer() {
        String why = missing();
        if (why != null) abort("llama-server test skipped: " + why);
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    @Test
    void theFirstRequest_startsLlamaServer_andTheAnswerIsAnOpenAiChatCompletion() throws Exception {
        h.post("/api/models/" + MODEL + "/unload", "");
        assertThat(state()).isEqualTo("unloaded");

        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":8"));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.at("/object").asText()).isEqualTo("chat.completion");
        assertThat(body.at("/model").asText()).isEqualTo(MODEL);
        assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(body.at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(body.at("/choices/0/finish_reason").asText()).isIn("length", "stop");
        assertThat(body.at("/usage/completion_tokens").asInt()).isBetween(1, 8);
        assertThat(state()).isIn("ready", "busy");
        assertThat(ProcessHandle.of(pid()).map(p -> p.info().command().orElse(""))).hasValueSatisfying(
                command -> assertThat(command).endsWith("llama-server"));
    }

    @Test
    void streaming_arrivesAsChunks_endingWithDone() throws Exception {
        HttpResponse<InputStream> r = h.stream(TestHearth.chat(MODEL, "\"stream\":true,\"max_tokens\":16"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        List<String> data = events(r.body());
        assertThat(data.size()).isGreaterThan(2);
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode first = JSON.readTree(data.getFirst());
        assertThat(first.at("/object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.at("/model").asText()).isEqualTo(MODEL);
        StringBuilder text = new StringBuilder();
        for (String d : data.subList(0, data.size() - 1)) {
            text.append(JSON.readTree(d).at("/choices/0/delta/content").asText(""));
        }
        assertThat(text.toString()).isNotBlank();
    }

    @Test
    void unloadThroughTheAdminApi_stopsTheServerProcess() throws Exception {
        ok(h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":2")));
        ProcessHandle server = ProcessHandle.of(pid()).orElseThrow();

        JsonNode body = JSON.readTree(h.post("/api/models/" + MODEL + "/unload", "").body());

        assertThat(body.at("/status").asText()).isEqualTo("unloaded");
        assertThat(body.at("/memory_freed_bytes").asLong()).isPositive();
        assertThat(server.isAlive()).as("llama-server is gone once unload answers").isFalse();
        assertThat(state()).isEqualTo("unloaded");
    }

    @Test
    void logs_showLlamaServersOwnLines() throws Exception {
        ok(h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":2")));

        JsonNode logs = JSON.readTree(h.get("/api/models/" + MODEL + "/logs?lines=2000").body());

        String text = logs.at("/lines").toString();
        assertThat(text).contains("load_model: loading model").contains("llama_server: model loaded")
                .contains("llama_server: listening on http://127.0.0.1:");
    }

    @Test
    void killDashNine_whileARequestWaitsOnTheServer_answers502_andTheNextRequestGetsAFreshServer() throws Exception {
        long pid = frozenServer();

        // stories260K answers faster than a test can act, so the server is frozen (SIGSTOP) and the
        // request is sure to be in flight on it when it is killed
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(
                () -> h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":8")));
        await().atMost(Duration.ofSeconds(30)).until(() -> inFlight() == 1);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9

        HttpResponse<String> r = waiting.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("engine_error");
        assertThat(error.get("code").asText()).isEqualTo("engine_failed");
        assertThat(error.get("message").asText()).contains("model '" + MODEL + "'");

        assertFreshServerAnswers(pid);
    }

    @Test
    void killDashNine_ofAStreamingRequestsServer_endsItWithAnError_andTheNextRequestGetsAFreshServer() throws Exception {
        long pid = frozenServer();

        CompletableFuture<HttpResponse<InputStream>> waiting = CompletableFuture.supplyAsync(
                () -> h.stream(TestHearth.chat(MODEL, "\"stream\":true,\"max_tokens\":8")));
        await().atMost(Duration.ofSeconds(30)).until(() -> inFlight() == 1);
        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9

        HttpResponse<InputStream> r = waiting.get();
        JsonNode error;
        if (r.statusCode() == 200) { // the stream had begun: its last event is the error
            List<String> data = events(r.body());
            error = JSON.readTree(data.getLast()).get("error");
            assertThat(error).as("last event: %s", data.getLast()).isNotNull();
        } else {
            assertThat(r.statusCode()).isEqualTo(502);
            try (InputStream in = r.body()) {
                error = JSON.readTree(in).get("error");
            }
        }
        assertThat(error.get("code").asText()).isEqualTo("engine_failed");

        assertFreshServerAnswers(pid);
    }

    @Test
    void killDashNine_betweenRequests_theNextRequestStartsAFreshServer() throws Exception {
        ok(h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":2")));
        long pid = pid();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
        await().atMost(Duration.ofSeconds(30)).until(() -> state().equals("failed"));

        assertFreshServerAnswers(pid);
    }

    /**
     * llama-server ends its connection after every streamed answer. Hearth connects each request on its
     * way, as nginx does, and holds no connection to it between requests: one opened ahead, while the
     * server generated, cost 1.5 % of the requests served at one client (BENCHMARKS.md, 2026-12-04
     * evening). Seen in the kernel: after the streams, none of Hearth's connections to it is open.
     */
    @Test
    void afterAStream_HearthHoldsNoConnectionToTheServer_untilTheNextRequest() throws Exception {
        String stream = TestHearth.chat(MODEL, "\"stream\":true,\"max_tokens\":4");
        for (int i = 0; i < 2; i++) { // the second finds the first's connection ended: Hearth learns it
            assertThat(events(h.stream(stream).body()).getLast()).isEqualTo("[DONE]");
        }
        int port = ((ProcessEngine) h.hearth.scheduler().engine(MODEL)).baseUrl().getPort();

        await().atMost(Duration.ofSeconds(30)).until(() -> Tcp.hearthSide(port).stream()
                .noneMatch(t -> t.state() == Tcp.ESTABLISHED || t.state() == Tcp.SYN_SENT));

        assertThat(events(h.stream(stream).body()).getLast()).isEqualTo("[DONE]"); // connected on its way
    }

    /**
     * llama-server keeps a connection open after a whole answer, and on SIGTERM waits for the worker
     * that holds it (~0.1 s more per unload). Hearth closes its idle connections to an engine before it
     * stops it: with llama-server frozen (SIGSTOP), the kernel shows Hearth's side closed first
     * (FIN_WAIT, TIME_WAIT), not left half-open by the server's end (CLOSE_WAIT), which would come
     * only with the SIGKILL that ends the stop grace. The order decides, however long each step takes.
     */
    @Test
    void anUnloadRightAfterAWholeAnswer_closesHearthsIdleConnectionBeforeTheServerIsStopped() throws Exception {
        ok(h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":2")));
        int port = ((ProcessEngine) h.hearth.scheduler().engine(MODEL)).baseUrl().getPort();
        int kept = frozenWhile(TestHearth.chat(MODEL, "\"max_tokens\":2"), port).remotePort();
        assertThat(Tcp.established(port)).as("the answer's connection, kept").contains(kept);
        long server = pid();

        signal("STOP", server);
        CompletableFuture<HttpResponse<String>> unload;
        try {
            unload = CompletableFuture.supplyAsync(() -> h.post("/api/models/" + MODEL + "/unload", ""));
            int closed = await().atMost(Duration.ofSeconds(30))
                    .until(() -> Tcp.hearthSideState(port, kept), state -> state != Tcp.ESTABLISHED);
            assertThat(closed).as("Hearth closed its connection before llama-server's end reached it")
                    .isNotEqualTo(Tcp.CLOSE_WAIT);
        } finally {
            // gone already when the stop grace ran out (then the connection is CLOSE_WAIT): no process to resume
            new ProcessBuilder("sh", "-c", "kill -CONT " + server + " 2>/dev/null").start().waitFor();
        }
        assertThat(JSON.readTree(unload.get(30, java.util.concurrent.TimeUnit.SECONDS).body()).at("/status").asText())
                .isEqualTo("unloaded");
    }

    /**
     * Sends {@code body} to Hearth while llama-server is stopped (SIGSTOP), waits until the kernel shows
     * the request unread on llama-server's side, then lets llama-server answer it (200; a stream to its end).
     *
     * @return the connection the request waited on, as llama-server's side sees it
     */
    private static Tcp frozenWhile(String body, int port) throws Exception {
        long pid = pid();
        signal("STOP", pid);
        CompletableFuture<HttpResponse<InputStream>> answer;
        Tcp held;
        try {
            answer = CompletableFuture.supplyAsync(() -> h.stream(body));
            held = await().atMost(Duration.ofSeconds(30)).until(() -> Tcp.engineSide(port).stream()
                    .filter(t -> t.unread() > 0).findFirst().orElse(null), java.util.Objects::nonNull);
        } finally {
            signal("CONT", pid);
        }
        HttpResponse<InputStream> answered = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        String text = new String(answered.body().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answered.statusCode()).as(text).isEqualTo(200);
        if (body.contains("\"stream\":true")) assertThat(text).endsWith("data: [DONE]\n\n");
        return held;
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        // the shell's kill: a bare Debian has no /bin/kill (procps)
        assertThat(new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid).inheritIO().start().waitFor()).isZero();
    }

    /** One TCP socket on this machine, from /proc/net/tcp and tcp6: its ports, state, and bytes not yet read. */
    record Tcp(int localPort, int remotePort, int state, long unread) {
        static final int ESTABLISHED = 1;
        static final int SYN_SENT = 2;
        static final int CLOSE_WAIT = 8;

        static List<Tcp> all() throws IOException {
            List<Tcp> all = new ArrayList<>();
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) { // Hearth's side is IPv4-mapped IPv6
                List<String> lines = Files.readAllLines(Path.of(table));
                for (String line : lines.subList(1, lines.size())) { // sl local rem st tx:rx ...
                    String[] f = line.trim().split("\\s+");
                    all.add(new Tcp(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16),
                            Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16), Integer.parseInt(f[3], 16),
                            Long.parseLong(f[4].substring(f[4].indexOf(':') + 1), 16)));
                }
            }
            return all;
        }

        /** The connections to llama-server's port, as its side sees them. */
        static List<Tcp> engineSide(int port) throws IOException {
            return all().stream().filter(t -> t.localPort() == port && t.remotePort() != 0).toList();
        }

        /** The connections to llama-server's port, as Hearth's side (the client) sees them. */
        static List<Tcp> hearthSide(int port) throws IOException {
            return all().stream().filter(t -> t.remotePort() == port).toList();
        }

        /** The state of Hearth's side of its connection from {@code localPort} to the port; 0 once gone. */
        static int hearthSideState(int port, int localPort) throws IOException {
            return hearthSide(port).stream().filter(t -> t.localPort() == localPort).mapToInt(Tcp::state).findFirst()
                    .orElse(0);
        }

        /** Hearth-side ports of the established connections to the port. */
        static Set<Integer> established(int port) throws IOException {
            Set<Integer> ports = new java.util.HashSet<>();
            for (Tcp t : hearthSide(port)) {
                if (t.state() == ESTABLISHED) ports.add(t.localPort());
            }
            return ports;
        }
    }

    /** A loaded llama-server, stopped with SIGSTOP: it accepts connections and answers nothing. */
    private static long frozenServer() throws IOException, InterruptedException {
        ok(h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":2")));
        long pid = pid();
        signal("STOP", pid);
        return pid;
    }

    private static void assertFreshServerAnswers(long deadPid) throws Exception {
        HttpResponse<String> next = h.post("/v1/chat/completions", TestHearth.chat(MODEL, "\"max_tokens\":4"));
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(JSON.readTree(next.body()).at("/choices/0/message/content").asText()).isNotBlank();
        assertThat(pid()).as("a fresh llama-server answered").isNotEqualTo(deadPid);
    }

    private static List<String> events(InputStream body) throws IOException {
        List<String> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) data.add(line.substring(6));
            }
        }
        return data;
    }

    private static void ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static long pid() {
        return ((ProcessEngine) h.hearth.scheduler().engine(MODEL)).pid().orElseThrow();
    }

    private static String state() throws IOException {
        return JSON.readTree(h.get("/api/models/" + MODEL).body()).at("/state").asText();
    }

    private static int inFlight() {
        return h.hearth.scheduler().status().stream().filter(s -> s.name().equals(MODEL)).findFirst().orElseThrow()
                .inFlight();
    }
}
