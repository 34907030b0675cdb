package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Real coding agents from npm (bin/coding-agents installs the pinned OpenCode and Codex CLI), run
 * headless against Hearth serving stories260K: the agent starts, sends its requests, gets well-formed
 * answers and exits without a protocol error. The tiny model writes no useful code; what is tested is
 * that the wire protocol holds. A recorder in front of Hearth (it forwards every request unchanged)
 * keeps which requests the agent sent.
 *
 * <p>Codex CLI sends POST /v1/responses (stream, with tools) and no max_output_tokens: the model's
 * {@code defaults: {max_tokens: 32}} bounds its answer, as an owner would for such an agent.
 */
class CodingAgentsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestHearth h;
    static HttpServer recorder;
    static Path agents;
    static final List<String> sent = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        h = new TestHearth(dir, "", """
                stories:
                  engine: llamacpp
                  path: %s
                  options: {ctx_size: 24576}               # an agent's system prompt is long
                  defaults: {max_tokens: 32}               # Codex CLI sends no limit of its own
                """.formatted(TestModels.stories260K()));
        recorder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        recorder.createContext("/", CodingAgentsTest::forward);
        recorder.start();
        agents = Path.of(run(new ProcessBuilder("bin/coding-agents"), dir, 600).strip().lines().toList().getLast());
    }

    @AfterAll
    static void stop() {
        if (recorder != null) recorder.stop(0);
        if (h != null) h.close();
    }

    @BeforeEach
    void forget() {
        sent.clear();
    }

    static String base() {
        return "http://127.0.0.1:" + recorder.getAddress().getPort() + "/v1";
    }

    /** Records "METHOD path" and what the body asked for, then relays the exchange to Hearth as it flows. */
    private static void forward(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        StringBuilder what = new StringBuilder(x.getRequestMethod() + " " + x.getRequestURI().getPath());
        if (body.length > 0 && body[0] == '{') {
            JsonNode b = JSON.readTree(body);
            if (b.path("stream").asBoolean()) what.append(" stream");
            if (b.path("tools").isArray()) what.append(" tools=").append(b.path("tools").size());
            for (String limit : List.of("max_output_tokens", "max_tokens")) {
                if (b.has(limit)) what.append(' ').append(limit).append('=').append(b.get(limit));
            }
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(h.uri(x.getRequestURI().toString()))
                .method(x.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        String type = x.getRequestHeaders().getFirst("Content-Type");
        if (type != null) req.header("Content-Type", type);
        try {
            HttpResponse<InputStream> r;
            try {
                r = h.http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException | RuntimeException e) {
                sent.add(what + " -> not forwarded: " + e);
                x.sendResponseHeaders(502, -1);
                return;
            }
            sent.add(what + " -> " + r.statusCode());
            r.headers().firstValue("content-type").ifPresent(t -> x.getResponseHeaders().add("Content-Type", t));
            x.sendResponseHeaders(r.statusCode(), 0);
            try (InputStream in = r.body(); OutputStream out = x.getResponseBody()) {
                byte[] buf = new byte[8192];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            x.close();
        }
    }

    @Test
    void openCode_runsATurnOverChatCompletions() throws Exception {
        Path home = Files.createDirectories(dir.resolve("opencode-home"));
        Path work = Files.createDirectories(dir.resolve("opencode-work"));
        Files.writeString(work.resolve("opencode.json"), """
                {"provider": {"hearth": {"npm": "@ai-sdk/openai-compatible", "name": "Hearth",
                  "options": {"baseURL": "%s"}, "models": {"stories": {"name": "stories", "tool_call": true,
                    "limit": {"context": 24576, "output": 32}}}}},
                 "model": "hearth/stories", "autoupdate": false, "share": "disabled"}""".formatted(base()));
        ProcessBuilder opencode = new ProcessBuilder(agents.resolve("opencode").toString(), "run", "--print-logs",
                "--model", "hearth/stories", "Once upon a time");
        opencode.directory(work.toFile());
        for (String xdg : List.of("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")) {
            opencode.environment().put(xdg, Files.createDirectories(home.resolve(xdg)).toString());
        }
        opencode.environment().put("HOME", home.toString());
        opencode.environment().put("PWD", work.toString()); // OpenCode finds its opencode.json from $PWD
        String out = run(opencode, dir, 150);

        assertThat(sent).as(out).anyMatch(s -> s.startsWith("POST /v1/chat/completions stream tools=") && s.endsWith("-> 200"));
        assertThat(sent).as(out).noneMatch(s -> s.matches(".*-> [45]\\d\\d"));
        System.out.println("OpenCode sent: " + sent);
    }

    @Test
    void codexCli_runsATurnOverTheResponsesApi() throws Exception {
        Path home = Files.createDirectories(dir.resolve("codex-home"));
        Path work = Files.createDirectories(dir.resolve("codex-work"));
        Files.writeString(home.resolve("config.toml"), """
                model = "stories"
                model_provider = "hearth"

                [model_providers.hearth]
                name = "Hearth"
                base_url = "%s"
                wire_api = "responses"
                """.formatted(base()));
        ProcessBuilder codex = new ProcessBuilder(agents.resolve("codex").toString(), "exec", "--skip-git-repo-check",
                "Once upon a time");
        codex.directory(work.toFile());
        codex.environment().put("CODEX_HOME", home.toString());
        codex.environment().put("HOME", home.toString());
        // stories260K never stops by itself within 32 tokens, so every answer ends at the model's
        // max_tokens: a well-formed response.incomplete, which Codex reports and exits 1 for. Any other
        // error line would be a protocol failure.
        String out = run(codex, dir, 300, 1);
        List<String> errors = out.lines().filter(l -> l.startsWith("ERROR")).toList();
        assertThat(errors).as(out).allMatch(l -> l.equals("ERROR: Incomplete response returned, reason: max_output_tokens"));
        assertThat(out).as("the model's words, as Codex printed them").containsPattern("(?m)^codex\\n\\S+");
        assertThat(sent).as(out).anyMatch(s -> s.startsWith("POST /v1/responses stream") && s.endsWith("-> 200"));
        assertThat(sent).as(out).noneMatch(s -> s.matches(".*-> [45]\\d\\d"));
        System.out.println("Codex CLI sent: " + sent);
    }

    @Test
    void cline_runsATurnOverChatCompletions() throws Exception {
        Path home = Files.createDirectories(dir.resolve("cline-home"));
        Path work = Files.createDirectories(dir.resolve("cline-work"));
        String config = home.resolve("config").toString();
        String data = home.resolve("data").toString();
        ProcessBuilder auth = new ProcessBuilder(agents.resolve("cline").toString(), "auth", "-p", "openai-compatible",
                "-k", "sk-none", "-m", "stories", "-b", base(), "--config", config, "--data-dir", data);
        auth.environment().put("HOME", home.toString());
        run(auth, dir, 120);
        ProcessBuilder cline = new ProcessBuilder(agents.resolve("cline").toString(), "--config", config, "--data-dir",
                data, "-c", work.toString(), "-t", "240", "--json", "Once upon a time");
        cline.environment().put("HOME", home.toString());
        // as with Codex: each answer ends at the model's max_tokens, which Cline reports and exits 1 for
        String out = run(cline, dir, 300, 1);
        List<String> errors = out.lines().filter(l -> l.startsWith("{") && l.contains("\"type\":\"error\"")).toList();
        assertThat(errors).as(out).allMatch(l -> l.contains("maximum output token limit"));
        assertThat(sent).as(out).anyMatch(s -> s.startsWith("POST /v1/chat/completions stream") && s.endsWith("-> 200"));
        assertThat(sent).as(out).noneMatch(s -> s.matches(".*-> [45]\\d\\d"));
        System.out.println("Cline sent: " + sent);
    }

    /** Runs the command and returns its stdout and stderr; fails with them when it fails or hangs. */
    static String run(ProcessBuilder pb, Path dir, int timeoutSeconds) throws IOException, InterruptedException {
        return run(pb, dir, timeoutSeconds, 0);
    }

    /** @param alsoOk an exit code accepted besides 0 (the caller checks the output says why) */
    static String run(ProcessBuilder pb, Path dir, int timeoutSeconds, int alsoOk) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "agent", ".txt");
        Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(
                Path.of("/dev/null").toFile())).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(pb.command() + " did not finish in " + timeoutSeconds + " s; requests " + sent + ":\n"
                    + Files.readString(log));
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0 && p.exitValue() != alsoOk) {
            fail(pb.command() + " exited with " + p.exitValue() + "; requests " + sent + ":\n" + out);
        }
        return out;
    }
}
