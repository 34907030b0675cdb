package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.Json;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the job API dialect tests share: a testsrc model, JSON, multipart bodies, MP4 checks. */
final class DialectSupport {
    /** A tiny, fast testsrc video: 160x96, 8 fps, 1 second. */
    static final String TESTSRC = """
            testsrc:
              engine: testsrc
              defaults: { size: 160x96, fps: 8, seconds: 1 }
            """;
    static final String BOUNDARY = "----hearthDialects9f3Kq";

    private DialectSupport() {}

    static JsonNode json(HttpResponse<String> r) {
        try {
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(r.body(), e);
        }
    }

    /**
     * Submits (through /v1/jobs) a testsrc job that stays unfinished until it is cancelled: every
     * dialect sees the same job, so a test of "not finished yet" never races the machine's speed.
     */
    static String heldJob(TestHearth h) {
        HttpResponse<String> r = h.post("/v1/jobs", "{\"model\":\"testsrc\",\"prompt\":\"held\",\"params\":{\"hold\":true}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).path("id").asText();
    }

    /** Polls {@code path} until {@code field} has one of the given values; returns the last answer. */
    static JsonNode awaitField(TestHearth h, String path, String field, String... values) {
        List<String> wanted = Arrays.asList(values);
        return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> json(h.get(path)), n -> wanted.contains(n.path(field).asText()));
    }

    static HttpResponse<byte[]> bytes(TestHearth h, String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.uri(path)).GET();
        headers.forEach(b::header);
        try {
            return h.http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<String> delete(TestHearth h, String path) {
        return h.send(HttpRequest.newBuilder(h.uri(path)).DELETE().build());
    }

    /** An error in Hearth's envelope, with its status and param. */
    static void assertError(HttpResponse<String> r, int status, String param) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = json(r).path("error");
        assertThat(error.path("message").asText()).isNotBlank();
        if (param == null) {
            assertThat(error.path("param").isNull()).as(r.body()).isTrue();
        } else {
            assertThat(error.path("param").asText()).as(r.body()).isEqualTo(param);
        }
    }

    /** An MP4 (ISO BMFF: "ftyp" at byte 4) that ffprobe reads as H.264 of the given size. */
    static void assertMp4(byte[] body, Path dir, int width, int height) throws IOException, InterruptedException {
        assertThat(new String(body, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        Path file = Files.createTempFile(dir, "video", ".mp4");
        Files.write(file, body);
        Process p = new ProcessBuilder("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,width,height", "-of", "csv=p=0", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("h264," + width + "," + height);
    }

    static HttpResponse<String> postMultipart(TestHearth h, String path, Map<String, String> fields,
                                              String fileField, byte[] file) {
        var out = new ByteArrayOutputStream();
        try {
            for (var e : fields.entrySet()) {
                out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n"
                        + e.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            if (file != null) {
                out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + fileField
                        + "\"; filename=\"in.png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                out.write(file);
                out.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return h.send(HttpRequest.newBuilder(h.uri(path))
                .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build());
    }

    static byte[] png() {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, 64, 48);
        g.dispose();
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
