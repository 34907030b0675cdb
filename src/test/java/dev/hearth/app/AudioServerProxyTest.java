package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.hearth.app.DebianEnginesSupport.goForward;
import static dev.hearth.app.DialectSupport.awaitField;
import static dev.hearth.app.DialectSupport.json;
import static dev.hearth.app.DialectSupport.postMultipart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Audio routes and transcribe jobs on {@code engine: remote} models, against a FAKE OpenAI-compatible
 * audio server in this JVM. It stands in for speaches / faster-whisper-server and kokoro-fastapi,
 * which need GPU-sized models from a hub that this machine cannot reach; it records what Hearth sent
 * and answers in their shapes, so what is tested is Hearth's side of the wire: the form passed on
 * with the model renamed, the answer relayed unchanged, and long recordings cut into pieces.
 */
class AudioServerProxyTest {
    @TempDir
    static Path dir;
    static HttpServer fake;
    static TestHearth h;
    static byte[] mp3;
    /** What the fake received: path, content type and body of each POST. */
    static final List<Received> received = new CopyOnWriteArrayList<>();

    record Received(String path, String contentType, byte[] body) {
        String text() { return new String(body, StandardCharsets.ISO_8859_1); }

        /** A form field's value(s), in order. */
        List<String> field(String name) {
            Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\"\r\n\r\n([^\r]*)\r\n").matcher(text());
            List<String> values = new java.util.ArrayList<>();
            while (m.find()) values.add(m.group(1));
            return values;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        DebianEnginesSupport.require();
        fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/health", x -> answer(x, 200, "application/json", "{}"));
        fake.createContext("/v1/audio/", AudioServerProxyTest::audio);
        fake.start();
        String url = "http://127.0.0.1:" + fake.getAddress().getPort();
        h = new TestHearth(dir, "", """
                whisper-gpu:
                  task: transcription
                  engine: remote
                  url: %s
                  model: Systran/faster-whisper-large-v3
                kokoro:
                  task: speech
                  engine: remote
                  url: %s
                  model: kokoro
                """.formatted(url, url));
        mp3 = Files.readAllBytes(goForward(dir, "mp3"));
    }

    @BeforeEach
    void forget() {
        received.clear();
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
        if (fake != null) fake.stop(0);
    }

    private static void audio(HttpExchange x) throws IOException {
        byte[] body = x.getRequestBody().readAllBytes();
        Received r = new Received(x.getRequestURI().getPath(), x.getRequestHeaders().getFirst("Content-Type"), body);
        received.add(r);
        switch (r.path()) {
            case "/v1/audio/speech" -> answer(x, 200, "audio/wav", "RIFF-fake-audio");
            case "/v1/audio/translations" -> answer(x, 200, "application/json", "{\"text\":\"translated\"}");
            default -> {
                if (r.field("language").contains("xx")) {
                    answer(x, 400, "application/json", "{\"error\":{\"message\":\"unsupported language xx\"}}");
                } else if (r.field("stream").contains("true")) {
                    answer(x, 200, "text/event-stream", "data: {\"type\":\"transcript.text.delta\",\"delta\":\"go\"}\n\n"
                            + "data: {\"type\":\"transcript.text.done\",\"text\":\"go\"}\n\n");
                } else if (r.field("response_format").contains("verbose_json")) {
                    int n = (int) received.stream().filter(q -> q.path().equals(r.path())).count();
                    answer(x, 200, "application/json", """
                            {"task":"transcribe","language":"en","duration":8,"text":"piece %d",
                             "segments":[{"id":0,"start":0.5,"end":1.5,"text":"piece %d"}],
                             "words":[{"word":"piece","start":0.5,"end":1.0},{"word":"%d","start":1.0,"end":1.5}]}
                            """.formatted(n, n, n));
                } else {
                    answer(x, 200, "application/json", "{\"text\":\"go forward ten meters\"}");
                }
            }
        }
    }

    private static void answer(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void transcriptions_onAFakeAudioServer_getTheFormWithTheModelRenamed_andItsAnswerUnchanged() {
        HttpResponse<String> r = postMultipart(h, "/v1/audio/transcriptions", Map.of("model", "whisper-gpu",
                "language", "en", "timestamp_granularities[]", "word"), "file", mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("text").asText()).isEqualTo("go forward ten meters");
        Received sent = received.getFirst();
        assertThat(sent.path()).isEqualTo("/v1/audio/transcriptions");
        assertThat(sent.contentType()).startsWith("multipart/form-data; boundary=");
        assertThat(sent.field("model")).containsExactly("Systran/faster-whisper-large-v3");
        assertThat(sent.field("language")).containsExactly("en");
        assertThat(sent.field("timestamp_granularities[]")).containsExactly("word");
        assertThat(indexOf(sent.body(), mp3)).as("the upload, byte for byte").isPositive();
    }

    @Test
    void translations_andStreams_andUpstreamErrors_passThroughAFakeAudioServer() {
        HttpResponse<String> t = postMultipart(h, "/v1/whisper-gpu/audio/translations", Map.of(), "file", mp3);
        assertThat(t.statusCode()).as(t.body()).isEqualTo(200);
        assertThat(json(t).path("text").asText()).isEqualTo("translated");
        assertThat(received.getLast().path()).isEqualTo("/v1/audio/translations");

        HttpResponse<String> s = postMultipart(h, "/v1/audio/transcriptions", Map.of("model", "whisper-gpu",
                "stream", "true"), "file", mp3);
        assertThat(s.statusCode()).isEqualTo(200);
        assertThat(s.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        assertThat(s.body()).isEqualTo("data: {\"type\":\"transcript.text.delta\",\"delta\":\"go\"}\n\n"
                + "data: {\"type\":\"transcript.text.done\",\"text\":\"go\"}\n\n");

        HttpResponse<String> e = postMultipart(h, "/v1/audio/transcriptions", Map.of("model", "whisper-gpu",
                "language", "xx"), "file", mp3);
        assertThat(e.statusCode()).isEqualTo(400);
        assertThat(e.body()).contains("unsupported language xx");
    }

    @Test
    void speech_onAFakeSpeechServer_getsTheRequestWithTheModelRenamed_andTheAudioComesBack() throws Exception {
        HttpResponse<byte[]> r = h.http.send(HttpRequest.newBuilder(h.uri("/v1/audio/speech"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"kokoro\",\"input\":\"hello there\","
                        + "\"voice\":\"af_bella\",\"response_format\":\"wav\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).isEqualTo("audio/wav");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("RIFF-fake-audio");
        JsonNode sent = Json.MAPPER.readTree(received.getFirst().body());
        assertThat(sent.path("model").asText()).isEqualTo("kokoro");
        assertThat(sent.path("input").asText()).isEqualTo("hello there");
        assertThat(sent.path("voice").asText()).isEqualTo("af_bella");
    }

    @Test
    void aTranscribeJob_onAFakeAudioServer_sendsPieces_andPlacesTheirWordsInTheWhole() throws Exception {
        // four go-forwards with silence between: about 12 s, cut into pieces of about 5 s
        Path raw = dir.resolve("four.raw");
        byte[] one = Files.readAllBytes(DebianEnginesSupport.GO_FORWARD);
        try (OutputStream out = Files.newOutputStream(raw)) {
            for (int i = 0; i < 4; i++) {
                out.write(one);
                out.write(new byte[16_000]);
            }
        }
        Path wav = dir.resolve("four.wav");
        DebianEnginesSupport.run(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "s16le", "-ar", "16000",
                "-ac", "1", "-i", raw.toString(), wav.toString()));
        HttpResponse<String> r = postMultipart(h, "/v1/jobs", Map.of("model", "whisper-gpu", "chunk_seconds", "5",
                "language", "en"), "file", Files.readAllBytes(wav));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = json(r).path("id").asText();
        JsonNode done = awaitField(h, "/v1/jobs/" + id, "state", "succeeded", "failed");
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");

        List<Received> pieces = received.stream().filter(q -> q.path().equals("/v1/audio/transcriptions")).toList();
        assertThat(pieces).hasSizeBetween(2, 3);
        for (Received p : pieces) {
            assertThat(p.field("model")).containsExactly("Systran/faster-whisper-large-v3");
            assertThat(p.field("response_format")).containsExactly("verbose_json");
            assertThat(p.field("timestamp_granularities[]")).containsExactly("segment", "word");
            assertThat(p.field("language")).containsExactly("en");
            assertThat(p.text()).contains("RIFF").contains("WAVE");
        }
        JsonNode verbose = Json.MAPPER.readTree(h.get("/v1/jobs/" + id + "/outputs/transcript.json").body());
        JsonNode segments = verbose.path("segments");
        assertThat(segments.size()).isEqualTo(pieces.size());
        assertThat(segments.path(0).path("start").asDouble()).isCloseTo(0.5, within(0.001));
        // each piece's segment sits at its offset in the whole: later, and inside the recording
        for (int i = 1; i < segments.size(); i++) {
            assertThat(segments.path(i).path("start").asDouble()).isGreaterThan(segments.path(i - 1).path("end").asDouble());
        }
        assertThat(verbose.path("words").size()).isEqualTo(2 * pieces.size());
        assertThat(verbose.path("text").asText()).startsWith("piece 1 piece 2");
    }

    @Test
    void aTranscribeJob_whoseAudioServerRefusesAPiece_failsWithTheServersReason() {
        HttpResponse<String> r = postMultipart(h, "/v1/jobs", Map.of("model", "whisper-gpu", "language", "xx"), "file", mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode end = awaitField(h, "/v1/jobs/" + json(r).path("id").asText(), "state", "succeeded", "failed");
        assertThat(end.path("state").asText()).isEqualTo("failed");
        assertThat(end.path("error").path("code").asText()).isEqualTo("engine_failed");
        assertThat(end.path("error").path("message").asText()).contains("answered 400").contains("unsupported language xx");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
