package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static dev.hearth.app.DebianEnginesSupport.goForward;
import static dev.hearth.app.DebianEnginesSupport.wordErrorRate;
import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.json;
import static dev.hearth.app.DialectSupport.postMultipart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * /v1/audio/transcriptions, /v1/audio/speech and /v1/ocr on Debian's real engines (pocketsphinx,
 * espeak-ng, tesseract) as command models, with real data: pocketsphinx-testdata's recording of
 * "go forward ten meters", speech checked by ffprobe, text drawn by Java2D.
 */
class AudioOcrRoutesTest {
    private static final String SAID = "go forward ten meters";

    @TempDir
    static Path dir;
    static TestHearth h;
    static byte[] mp3;

    @BeforeAll
    static void start() throws IOException {
        DebianEnginesSupport.require();
        h = new TestHearth(dir, "", DebianEnginesSupport.MODELS);
        mp3 = Files.readAllBytes(goForward(dir, "mp3"));
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    private static HttpResponse<String> transcribe(String path, Map<String, String> fields, byte[] audio) {
        return postMultipart(h, path, fields, "file", audio);
    }

    @Test
    void transcriptions_hearGoForwardTenMeters_inAnMp3Upload() {
        HttpResponse<String> r = transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us"), mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(wordErrorRate(SAID, json(r).path("text").asText())).as(r.body()).isLessThanOrEqualTo(0.25);
        // the engine's stderr is the model's log
        assertThat(h.get("/api/models/pocketsphinx-en-us/logs").body()).contains("INFO");
    }

    @Test
    void transcriptions_answerText_fromAWavUpload_underTheModelsPrefix() throws IOException {
        byte[] wav = Files.readAllBytes(goForward(dir, "wav"));
        HttpResponse<String> r = transcribe("/v1/pocketsphinx-text/audio/transcriptions",
                Map.of("response_format", "text"), wav);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(wordErrorRate(SAID, r.body())).as(r.body()).isLessThanOrEqualTo(0.25);
    }

    @Test
    void transcriptions_giveTimedSegmentsAndWords_inVerboseJson() {
        HttpResponse<String> r = transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us",
                "response_format", "verbose_json", "timestamp_granularities[]", "word", "language", "en"), mp3);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode v = json(r);
        assertThat(v.path("duration").asDouble()).isCloseTo(2.6, within(0.3));
        assertThat(v.path("language").asText()).isEqualTo("en");
        JsonNode segment = v.path("segments").path(0);
        assertThat(segment.path("start").asDouble()).isLessThan(segment.path("end").asDouble());
        assertThat(segment.path("end").asDouble()).isLessThanOrEqualTo(v.path("duration").asDouble() + 0.1);
        assertThat(wordErrorRate(SAID, segment.path("text").asText())).isLessThanOrEqualTo(0.25);
        JsonNode words = v.path("words");
        assertThat(words.size()).isBetween(3, 5);
        assertThat(words.path(0).path("word").asText()).isEqualTo("go");
        for (JsonNode w : words) assertThat(w.path("start").asDouble()).isLessThan(w.path("end").asDouble());
    }

    @Test
    void transcriptions_writeSrtAndVtt_withTimestamps() {
        HttpResponse<String> srt = transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us",
                "response_format", "srt"), mp3);
        assertThat(srt.statusCode()).as(srt.body()).isEqualTo(200);
        assertThat(srt.body()).matches("(?s)1\\n00:00:0\\d,\\d{3} --> 00:00:0\\d,\\d{3}\\n.+\\n\\n");
        HttpResponse<String> vtt = transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us",
                "response_format", "vtt"), mp3);
        assertThat(vtt.statusCode()).as(vtt.body()).isEqualTo(200);
        assertThat(vtt.body()).matches("(?s)WEBVTT\\n\\n00:00:0\\d\\.\\d{3} --> 00:00:0\\d\\.\\d{3}\\n.+\\n\\n");
        assertThat(wordErrorRate(SAID, vtt.body().lines().skip(3).findFirst().orElse(""))).isLessThanOrEqualTo(0.25);
    }

    @Test
    void transcriptions_refuseBadInput_with400sNamingTheField() {
        assertError(transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us",
                "response_format", "docx"), mp3), 400, "response_format");
        assertError(transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us"), null), 400, "file");
        assertError(transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us",
                "language", "-rf"), mp3), 400, "language");
        assertError(transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us"),
                "not audio at all".getBytes()), 400, "file");
        assertError(transcribe("/v1/audio/transcriptions", Map.of("model", "tesseract-eng"), mp3), 400, "model");
        assertError(transcribe("/v1/audio/transcriptions", Map.of(), mp3), 400, "model");
        assertError(h.post("/v1/audio/transcriptions", "{\"model\":\"pocketsphinx-en-us\"}"), 400, "file");
        assertThat(transcribe("/v1/audio/transcriptions", Map.of("model", "nope"), mp3).statusCode()).isEqualTo(404);
    }

    /** An HLS playlist posing as audio would make ffmpeg read the local file it names; it is refused. */
    @Test
    void transcriptions_refuseAPlaylist_thatNamesALocalFile() {
        Path wav = goForward(dir, "wav");
        byte[] playlist = ("#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXTINF:3,\nfile://" + wav + "\n#EXT-X-ENDLIST\n").getBytes();
        assertError(transcribe("/v1/audio/transcriptions", Map.of("model", "pocketsphinx-en-us"), playlist), 400, "file");
    }

    private static HttpResponse<byte[]> speech(String body) {
        try {
            return h.http.send(HttpRequest.newBuilder(h.uri("/v1/audio/speech")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mp3", "opus", "aac", "flac", "wav", "pcm"})
    void speech_answersAudioThatFfprobeReads_inEachFormat(String format) throws IOException {
        HttpResponse<byte[]> r = speech("{\"model\":\"espeak-ng\",\"input\":\"Hello from Hearth, the house of models.\","
                + "\"voice\":\"alloy\",\"response_format\":\"" + format + "\"}");
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        Path file = Files.write(dir.resolve("speech." + format), r.body());
        double seconds = format.equals("pcm")
                ? DebianEnginesSupport.duration(file, "-f", "s16le", "-ar", "24000", "-ac", "1")
                : DebianEnginesSupport.duration(file);
        assertThat(seconds).isBetween(1.0, 8.0);
    }

    @Test
    void speech_speedTwo_isAboutHalfAsLong() throws IOException {
        String body = "{\"model\":\"espeak-ng\",\"input\":\"One two three four five six seven eight.\","
                + "\"voice\":\"nova\",\"response_format\":\"wav\"";
        Path normal = Files.write(dir.resolve("normal.wav"), speech(body + "}").body());
        Path fast = Files.write(dir.resolve("fast.wav"), speech(body + ",\"speed\":2.0}").body());
        double ratio = DebianEnginesSupport.duration(fast) / DebianEnginesSupport.duration(normal);
        assertThat(ratio).isCloseTo(0.5, within(0.05));
    }

    @Test
    void speech_refusesBadInput_with400sNamingTheField() {
        assertError(h.post("/v1/audio/speech", "{\"model\":\"espeak-ng\",\"input\":\"hi\",\"voice\":\"en; rm -rf /\"}"),
                400, "voice");
        assertError(h.post("/v1/audio/speech", "{\"model\":\"espeak-ng\",\"input\":\"hi\",\"response_format\":\"ogg\"}"),
                400, "response_format");
        assertError(h.post("/v1/audio/speech", "{\"model\":\"espeak-ng\",\"input\":\"\"}"), 400, "input");
        assertError(h.post("/v1/audio/speech", "{\"model\":\"espeak-ng\",\"input\":\"" + "a".repeat(4097) + "\"}"),
                400, "input");
        assertError(h.post("/v1/audio/speech", "{\"model\":\"espeak-ng\",\"input\":\"hi\",\"speed\":9}"), 400, "speed");
        assertError(h.post("/v1/audio/speech", "{\"model\":\"pocketsphinx-en-us\",\"input\":\"hi\"}"), 400, "model");
    }

    static byte[] image(String text, String format) {
        BufferedImage img = new BufferedImage(900, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 64));
        g.drawString(text, 40, 130);
        g.dispose();
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void ocr_readsTextDrawnByJava2d_fromAnUpload() {
        HttpResponse<String> r = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file",
                image("Hearth reads this", "png"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode page = json(r).path("pages").path(0);
        assertThat(page.path("index").asInt()).isZero();
        assertThat(page.path("text").asText()).isEqualTo("Hearth reads this");
        assertThat(page.path("markdown").asText()).isEqualTo("Hearth reads this");
        assertThat(json(r).path("pages").size()).isEqualTo(1);
    }

    @Test
    void ocr_readsAJpegDataUri_underTheModelsPrefix() {
        String uri = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(image("Quiet Forest 42", "jpg"));
        HttpResponse<String> r = h.post("/v1/tesseract-eng/ocr", "{\"document\":{\"type\":\"image_url\",\"image_url\":\""
                + uri + "\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("pages").path(0).path("text").asText()).isEqualTo("Quiet Forest 42");
    }

    @Test
    void ocr_refusesBadInput_with400s() {
        assertError(h.post("/v1/ocr", "{\"model\":\"tesseract-eng\"}"), 400, "image");
        assertError(h.post("/v1/ocr", "{\"model\":\"tesseract-eng\",\"image\":\"data:image/png;base64,aGVsbG8=\"}"),
                400, "image");
        assertError(h.post("/v1/ocr", "{\"model\":\"tesseract-eng\",\"image\":\"http://127.0.0.1:1/x.png\"}"),
                400, "image");
        assertError(h.post("/v1/ocr", "{\"model\":\"espeak-ng\",\"image\":\"x\"}"), 400, "model");
    }

    @Test
    void aRunPastRunTimeout_isKilled_andAnswers504() {
        HttpResponse<String> r = postMultipart(h, "/v1/ocr", Map.of("model", "slow-ocr"), "file", image("x", "png"));
        assertError(r, 504, null);
        assertThat(json(r).path("error").path("message").asText())
                .isEqualTo("The command of model 'slow-ocr' took longer than its run_timeout (1s) and was stopped.");
        assertThat(h.get("/api/models/slow-ocr/logs").body()).contains("killing its process tree");
    }
}
