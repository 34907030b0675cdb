package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.hearth.app.DebianEnginesSupport.goForward;
import static dev.hearth.app.DebianEnginesSupport.wordErrorRate;
import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.awaitField;
import static dev.hearth.app.DialectSupport.json;
import static dev.hearth.app.DialectSupport.postMultipart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Long recordings as jobs on /v1/jobs ({@code task: transcribe}) and as streamed transcriptions, on
 * Debian's real pocketsphinx: a half-minute recording made of pocketsphinx-testdata's LibriVox
 * snippets with silences between, cut into pieces, with progress by audio time and the four outputs.
 */
class TranscriptionJobsTest {
    private static final Path LIBRIVOX = Path.of("/usr/share/pocketsphinx/test/data/librivox");
    private static final List<String> SNIPPETS = List.of("0870", "0880", "0890", "0920", "0930");

    @TempDir
    static Path dir;
    static TestHearth h;
    static byte[] long_mp3;
    static String said;
    static double seconds;

    @BeforeAll
    static void start() throws IOException {
        DebianEnginesSupport.require();
        h = new TestHearth(dir, "", DebianEnginesSupport.MODELS + """
                slow-asr:
                  task: transcription
                  engine: command
                  cmd: sh -c "sleep 600 & wait" ${INPUT}
                """);
        long_mp3 = Files.readAllBytes(librivox());
        seconds = DebianEnginesSupport.duration(dir.resolve("librivox.mp3"));
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    /** The five snippets, 1.5 s of silence after each, as one MP3; {@link #said} their words. */
    private static Path librivox() throws IOException {
        Map<String, String> words = new LinkedHashMap<>();
        Pattern line = Pattern.compile("<s> (.*) </s> \\(sense_and_sensibility_01_austen_64kb-(\\d+)\\)");
        for (String l : Files.readAllLines(LIBRIVOX.resolve("transcription"))) {
            Matcher m = line.matcher(l.strip());
            if (m.matches()) words.put(m.group(2), m.group(1));
        }
        var pcm = new ByteArrayOutputStream();
        List<String> text = new ArrayList<>();
        for (String s : SNIPPETS) {
            Path wav = LIBRIVOX.resolve("sense_and_sensibility_01_austen_64kb-" + s + ".wav");
            byte[] all = Files.readAllBytes(wav);
            pcm.write(all, 44, all.length - 44);       // 16 kHz mono 16-bit, a 44-byte header
            pcm.write(new byte[48_000]);               // 1.5 s of silence
            text.add(words.get(s));
        }
        said = String.join(" ", text);
        Path raw = dir.resolve("librivox.raw");
        Files.write(raw, pcm.toByteArray());
        Path mp3 = dir.resolve("librivox.mp3");
        DebianEnginesSupport.run(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "s16le", "-ar",
                "16000", "-ac", "1", "-i", raw.toString(), mp3.toString()));
        return mp3;
    }

    private static HttpResponse<String> submit(Map<String, String> fields, byte[] audio) {
        return postMultipart(h, "/v1/jobs", fields, "file", audio);
    }

    @Test
    void aHalfMinuteRecording_isAJob_withProgressByAudioTime_andFourOutputs() throws Exception {
        HttpResponse<String> r = submit(Map.of("model", "pocketsphinx-en-us", "chunk_seconds", "8"), long_mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode job = json(r);
        String id = job.path("id").asText();
        assertThat(job.path("task").asText()).isEqualTo("transcribe");
        assertThat(job.path("params").path("audio_seconds").asDouble()).isCloseTo(seconds, within(0.1));

        // the events seen depend on when the stream opened; each counts seconds of audio, and the last is whole
        List<JsonNode> progress = progressEvents(id);
        int steps = (int) Math.ceil(seconds - 0.05);
        assertThat(progress).isNotEmpty();
        assertThat(progress).allSatisfy(p -> assertThat(p.path("steps").asInt()).isBetween(steps, steps + 1));
        assertThat(progress.getLast().path("step").asInt()).isEqualTo(progress.getLast().path("steps").asInt());
        assertThat(progress).allSatisfy(p -> assertThat(p.path("stage").asText()).isEqualTo("transcribe"));

        JsonNode done = awaitField(h, "/v1/jobs/" + id, "state", "succeeded", "failed");
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        List<String> names = new ArrayList<>();
        done.path("outputs").forEach(o -> names.add(o.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("transcript.txt", "transcript.srt", "transcript.vtt",
                "transcript.json");

        String txt = h.get("/v1/jobs/" + id + "/outputs/transcript.txt").body();
        assertThat(wordErrorRate(said, txt)).as(txt).isLessThanOrEqualTo(0.6);
        HttpResponse<String> srt = h.get("/v1/jobs/" + id + "/outputs/transcript.srt");
        assertThat(srt.headers().firstValue("content-type").orElse("")).startsWith("application/x-subrip");
        List<double[]> cues = cues(srt.body());
        assertThat(cues).hasSizeGreaterThanOrEqualTo(4);           // pieces of about 8 s, each an utterance or more
        for (int i = 0; i < cues.size(); i++) {
            assertThat(cues.get(i)[0]).isLessThanOrEqualTo(cues.get(i)[1]);
            assertThat(cues.get(i)[1]).isLessThanOrEqualTo(seconds + 0.1);
            if (i > 0) assertThat(cues.get(i)[0]).isGreaterThanOrEqualTo(cues.get(i - 1)[0]);
        }
        assertThat(cues.getLast()[0]).isGreaterThan(20);            // the last snippet starts past 20 s
        assertThat(h.get("/v1/jobs/" + id + "/outputs/transcript.vtt").body()).startsWith("WEBVTT\n\n00:00:");
        JsonNode verbose = Json.MAPPER.readTree(h.get("/v1/jobs/" + id + "/outputs/transcript.json").body());
        assertThat(verbose.path("task").asText()).isEqualTo("transcribe");
        assertThat(verbose.path("duration").asDouble()).isCloseTo(seconds, within(0.1));
        assertThat(verbose.path("segments").size()).isEqualTo(cues.size());
        JsonNode words = verbose.path("words");
        assertThat(words.size()).isGreaterThan(40);
        for (int i = 1; i < words.size(); i++) {
            assertThat(words.get(i).path("start").asDouble()).isGreaterThanOrEqualTo(words.get(i - 1).path("start").asDouble());
        }
    }

    /** The job's SSE events that carry progress, up to its end. */
    private static List<JsonNode> progressEvents(String id) throws IOException, InterruptedException {
        HttpResponse<InputStream> events = h.http.send(HttpRequest.newBuilder(h.uri("/v1/jobs/" + id + "/events"))
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        List<JsonNode> progress = new ArrayList<>();
        try (var in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                if (!l.startsWith("data:")) continue;
                JsonNode j = Json.MAPPER.readTree(l.substring(5));
                if (j.path("steps").asInt() > 0) progress.add(j);
                if (List.of("succeeded", "failed", "cancelled").contains(j.path("state").asText())) break;
            }
        }
        return progress;
    }

    private static List<double[]> cues(String srt) {
        List<double[]> cues = new ArrayList<>();
        Matcher m = Pattern.compile("(\\d\\d):(\\d\\d):(\\d\\d),(\\d{3}) --> (\\d\\d):(\\d\\d):(\\d\\d),(\\d{3})")
                .matcher(srt);
        while (m.find()) cues.add(new double[] {at(m, 1), at(m, 5)});
        return cues;
    }

    private static double at(Matcher m, int g) {
        return Integer.parseInt(m.group(g)) * 3600 + Integer.parseInt(m.group(g + 1)) * 60
                + Integer.parseInt(m.group(g + 2)) + Integer.parseInt(m.group(g + 3)) / 1000.0;
    }

    @Test
    void aJsonJob_takesTheRecordingAsADataUri() throws IOException {
        String wav = Base64.getEncoder().encodeToString(Files.readAllBytes(goForward(dir, "wav")));
        HttpResponse<String> r = h.post("/v1/jobs", "{\"model\":\"pocketsphinx-text\",\"task\":\"transcribe\","
                + "\"audio\":\"data:audio/wav;base64," + wav + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode done = awaitField(h, "/v1/jobs/" + json(r).path("id").asText(), "state", "succeeded", "failed");
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        String txt = h.get("/v1/jobs/" + done.path("id").asText() + "/outputs/transcript.txt").body();
        assertThat(wordErrorRate("go forward ten meters", txt)).as(txt).isLessThanOrEqualTo(0.25);
    }

    @Test
    void badTranscribeJobs_are400s_namingTheField() {
        assertError(submit(Map.of("model", "pocketsphinx-en-us"), null), 400, "audio");
        assertError(submit(Map.of("model", "pocketsphinx-en-us"), "not audio at all".getBytes()), 400, "file");
        assertError(submit(Map.of("model", "pocketsphinx-en-us", "task", "t2v"), long_mp3), 400, "task");
        assertError(submit(Map.of("model", "pocketsphinx-en-us", "task", "translate"), long_mp3), 400, "task");
        assertError(submit(Map.of("model", "pocketsphinx-en-us", "chunk_seconds", "2"), long_mp3), 400,
                "chunk_seconds");
        assertError(submit(Map.of("model", "pocketsphinx-en-us", "beam_size", "5"), long_mp3), 400, "beam_size");
        assertError(submit(Map.of("model", "pocketsphinx-en-us", "language", "--rf"), long_mp3), 400, "language");
        assertError(h.post("/v1/jobs", "{\"model\":\"pocketsphinx-en-us\",\"audio\":\"http://127.0.0.1:9/a.mp3\"}"),
                400, "audio");
        assertError(h.post("/v1/jobs", "{\"model\":\"pocketsphinx-en-us\",\"audio\":\"data:text/plain;base64,aGk=\"}"),
                400, "audio");
        assertError(submit(Map.of("model", "tesseract-eng"), long_mp3), 400, "model");
    }

    @Test
    void aRunningTranscribeJob_isCancelled_andItsCommandEnds() {
        HttpResponse<String> r = submit(Map.of("model", "slow-asr"), long_mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = json(r).path("id").asText();
        awaitField(h, "/v1/jobs/" + id, "state", "running");
        assertThat(DialectSupport.delete(h, "/v1/jobs/" + id).statusCode()).isEqualTo(200);
        JsonNode end = awaitField(h, "/v1/jobs/" + id, "state", "cancelled", "failed", "succeeded");
        assertThat(end.path("state").asText()).as(end.toString()).isEqualTo("cancelled");
    }

    @Test
    void aStreamedTranscription_sendsEachPiecesWords_thenTheWhole() throws IOException {
        HttpResponse<String> r = postMultipart(h, "/v1/audio/transcriptions",
                Map.of("model", "pocketsphinx-en-us", "stream", "true"), "file", long_mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        StringBuilder deltas = new StringBuilder();
        String done = null;
        int count = 0;
        for (String l : r.body().split("\n")) {
            if (!l.startsWith("data: ")) continue;
            JsonNode e = Json.MAPPER.readTree(l.substring(6));
            switch (e.path("type").asText()) {
                case "transcript.text.delta" -> {
                    deltas.append(e.path("delta").asText());
                    count++;
                }
                case "transcript.text.done" -> done = e.path("text").asText();
                default -> throw new AssertionError("unexpected event " + l);
            }
        }
        assertThat(count).isGreaterThanOrEqualTo(2);                 // 20 s pieces of a 32 s recording
        assertThat(done).isEqualTo(deltas.toString());
        assertThat(wordErrorRate(said, done)).as(done).isLessThanOrEqualTo(0.6);
    }
}
