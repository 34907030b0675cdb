package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.engine.ProcessEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What a client sees when an engine dies or never starts, and that Hearth recovers by itself. */
class EngineFailureTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestHearth h;
    /**
     * A real engine child that streams one chunk and then nothing more until it is killed: the
     * stream is still open when the test acts, however fast the machine (a long story from a real
     * model once was "long enough" — a test that depends on the machine's speed is a bug).
     */
    static final String STALLING_ENGINE = """
            import json, subprocess, sys, threading
            from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
            if sys.argv[2:] == ["orphan"]:  # a worker process that ignores SIGTERM, as some servers leave
                subprocess.Popen(["sh", "-c", "trap '' TERM; while :; do sleep 1; done"])
            class H(BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def log_message(self, *a): pass
                def do_GET(self):
                    body = b'{"status":"ok"}'
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                def do_POST(self):
                    req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                    chunk = {"id": "c", "object": "chat.completion.chunk", "model": req["model"],
                             "choices": [{"index": 0, "delta": {"content": "Once"}, "finish_reason": None}]}
                    if req.get("stream"):
                        self.send_response(200); self.send_header("Content-Type", "text/event-stream")
                        self.send_header("Connection", "close"); self.end_headers()
                        self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\\n\\n"); self.wfile.flush()
                        threading.Event().wait()  # until killed
                    body = json.dumps({"id": "c", "object": "chat.completion", "model": req["model"],
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Once"},
                                     "finish_reason": "stop"}]}).encode()
                    self.send_response(200); self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
            ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
            """;
    static final String LONG_STORY = TestHearth.chat("stalling", "\"stream\":true");

    @BeforeAll
    static void start() throws Exception {
        Path engine = java.nio.file.Files.writeString(dir.resolve("stalling_engine.py"), STALLING_ENGINE);
        h = new TestHearth(dir, "", """
                stalling:
                  engine: process
                  cmd: python3 %s ${PORT}
                  health: /health
                  memory: 1GiB
                orphaning:
                  engine: process
                  cmd: python3 %s ${PORT} orphan
                  health: /health
                  memory: 1GiB
                  stop_grace: 5s
                broken:
                  engine: process
                  cmd: 'echo "loading weights for port ${PORT}"; echo "CUDA error: out of memory" >&2; exit 3'
                  memory: 1GiB
                """.formatted(engine, engine));
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void killDashNineOfTheEngineMidStream_endsTheStreamWithAClearError_andTheNextRequestSucceeds() throws Exception {
        HttpResponse<InputStream> r = h.stream(LONG_STORY);
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String first = in.readLine();
            assertThat(first).startsWith("data: ");
            long pid = ((ProcessEngine) h.hearth.scheduler().engine("stalling")).pid().orElseThrow();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                }
            }
        }
        JsonNode error = JSON.readTree(data.getLast()).get("error");
        assertThat(error).as("last event: %s", data.getLast()).isNotNull();
        assertThat(error.get("code").asText()).isEqualTo("engine_failed");
        assertThat(error.get("message").asText())
                .contains("The engine serving model 'stalling' stopped while answering")
                .contains("137")
                .contains("starts it again on the next request")
                .doesNotContainIgnoringCase("last log lines");

        HttpResponse<String> next = h.post("/v1/chat/completions", TestHearth.chat("stalling", "\"max_tokens\":4"));
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    }

    // regression: the 502 carried the engine's last log lines, and vLLM logs other users' prompts
    @Test
    void anEngineThatExitsWhileStarting_answers502WithAShortReason_andItsLogLinesOnlyToAdmins() throws Exception {
        HttpResponse<String> r = h.post("/v1/chat/completions", TestHearth.chat("broken", ""));

        assertThat(r.statusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("message").asText())
                .contains("exited with code 3 while starting")
                .contains("/api/models/broken/logs")
                .doesNotContain("CUDA error", "loading weights");
        assertThat(error.get("type").asText()).isEqualTo("engine_error");
        assertThat(h.get("/api/models/broken/logs").body()).contains("CUDA error: out of memory");
        JsonNode model = JSON.readTree(h.get("/api/models/broken").body());
        assertThat(model.get("state").asText()).isEqualTo("failed");
        assertThat(model.get("last_error").asText()).contains("CUDA error: out of memory");
    }

    @Test
    void clientDisconnectMidStream_releasesTheLease_andTheEngineServesTheNextRequest() throws Exception {
        HttpResponse<InputStream> r = h.stream(LONG_STORY);
        InputStream body = r.body();
        assertThat(new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8)).readLine()).startsWith("data: ");
        await().until(() -> inFlight("stalling") == 1);

        body.close(); // the client goes away

        await().atMost(Duration.ofSeconds(20)).until(() -> inFlight("stalling") == 0);
        HttpResponse<String> next = h.post("/v1/chat/completions", TestHearth.chat("stalling", "\"max_tokens\":4"));
        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
    }

    // regression: a dead engine reports its crash only once its orphans are stopped (here: after a 5 s
    // stop grace); a request granted a lease in that moment hit a null address and answered 500
    @Test
    void aRequest_betweenAnEnginesDeathAndItsCrashReport_getsAFreshEngine_notA500() {
        HttpResponse<String> first = h.post("/v1/chat/completions", TestHearth.chat("orphaning", "\"max_tokens\":4"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        ProcessEngine engine = (ProcessEngine) h.hearth.scheduler().engine("orphaning");
        long pid = engine.pid().orElseThrow();

        ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // kill -9 the server, not its orphan
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> engine.baseUrl() == null);
        HttpResponse<String> next = h.post("/v1/chat/completions", TestHearth.chat("orphaning", "\"max_tokens\":4"));

        assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
        assertThat(h.hearth.scheduler().engine("orphaning")).as("a fresh engine answered").isNotSameAs(engine);
    }

    private static int inFlight(String model) {
        return h.hearth.scheduler().status().stream().filter(s -> s.name().equals(model)).findFirst().orElseThrow()
                .inFlight();
    }
}
