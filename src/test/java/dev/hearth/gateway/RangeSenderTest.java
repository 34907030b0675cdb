package dev.hearth.gateway;

import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Range requests against a real Helidon server, with java.net.http as the client. */
class RangeSenderTest {
    private static final int SIZE = 300_000; // bigger than one write buffer

    @TempDir
    static Path dir;

    static byte[] bytes;
    static WebServer server;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        bytes = new byte[SIZE];
        new Random(42).nextBytes(bytes);
        Path file = Files.write(dir.resolve("video.mp4"), bytes);
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r
                        .route(Method.GET, "/video", (req, res) -> RangeSender.send(req, res, file, "video/mp4"))
                        .route(Method.HEAD, "/video", (req, res) -> RangeSender.send(req, res, file, "video/mp4"))
                        .get("/download", (req, res) -> RangeSender.send(req, res, file, "video/mp4", "my video.mp4"))
                        .error(Throwable.class, (req, res, e) -> dev.hearth.gateway.Errors.send(res, e)))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String header(HttpResponse<?> res, String name) {
        return res.headers().firstValue(name).orElse(null);
    }

    @Test
    void send_answersWholeFile_whenNoRange() throws Exception {
        var res = get("/video");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(bytes);
        assertThat(header(res, "Content-Length")).isEqualTo(Integer.toString(SIZE));
        assertThat(header(res, "Accept-Ranges")).isEqualTo("bytes");
        assertThat(header(res, "Content-Type")).isEqualTo("video/mp4");
        assertThat(header(res, "ETag")).isNotBlank();
    }

    @Test
    void send_answers206_whenRangeHasBothEnds() throws Exception {
        var res = get("/video", "Range", "bytes=100-199");

        assertThat(res.statusCode()).isEqualTo(206);
        assertThat(header(res, "Content-Range")).isEqualTo("bytes 100-199/" + SIZE);
        assertThat(header(res, "Content-Length")).isEqualTo("100");
        assertThat(res.body()).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
    }

    @Test
    void send_answersToTheEnd_whenRangeIsOpen() throws Exception {
        var res = get("/video", "Range", "bytes=250000-");

        assertThat(res.statusCode()).isEqualTo(206);
        assertThat(header(res, "Content-Range")).isEqualTo("bytes 250000-" + (SIZE - 1) + "/" + SIZE);
        assertThat(res.body()).isEqualTo(Arrays.copyOfRange(bytes, 250_000, SIZE));
    }

    @Test
    void send_answersLastBytes_whenSuffixRange() throws Exception {
        var res = get("/video", "Range", "bytes=-500");

        assertThat(res.statusCode()).isEqualTo(206);
        assertThat(header(res, "Content-Range")).isEqualTo("bytes " + (SIZE - 500) + "-" + (SIZE - 1) + "/" + SIZE);
        assertThat(res.body()).isEqualTo(Arrays.copyOfRange(bytes, SIZE - 500, SIZE));
    }

    @Test
    void send_clampsEnd_whenRangeRunsPastTheEnd() throws Exception {
        var res = get("/video", "Range", "bytes=299990-999999");

        assertThat(res.statusCode()).isEqualTo(206);
        assertThat(res.body()).isEqualTo(Arrays.copyOfRange(bytes, 299_990, SIZE));
    }

    @Test
    void send_answers416_whenRangeStartsPastTheEnd() throws Exception {
        var res = get("/video", "Range", "bytes=" + SIZE + "-");

        assertThat(res.statusCode()).isEqualTo(416);
        assertThat(header(res, "Content-Range")).isEqualTo("bytes */" + SIZE);
    }

    // regression: the 416 had an empty body; every error is the OpenAI envelope
    @Test
    void RangeSender_answers416InTheEnvelope_notAnEmptyBody_whenRangeStartsPastTheEnd() throws Exception {
        var res = get("/video", "Range", "bytes=" + (SIZE + 10) + "-");

        assertThat(res.statusCode()).isEqualTo(416);
        assertThat(header(res, "Content-Range")).isEqualTo("bytes */" + SIZE);
        assertThat(header(res, "Content-Type")).startsWith("application/json");
        var error = new com.fasterxml.jackson.databind.ObjectMapper().readTree(res.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("range_not_satisfiable");
        assertThat(error.get("message").asText()).contains(SIZE + " bytes");
        assertThat(error.has("type") && error.has("param")).isTrue();
    }

    @Test
    void send_servesFirstRange_whenSeveralAreAsked() throws Exception {
        var res = get("/video", "Range", "bytes=0-9, 20-29");

        assertThat(res.statusCode()).isEqualTo(206);
        assertThat(res.body()).isEqualTo(Arrays.copyOfRange(bytes, 0, 10));
    }

    @Test
    void send_ignoresRange_whenMalformed() throws Exception {
        assertThat(get("/video", "Range", "bytes=abc").statusCode()).isEqualTo(200);
        assertThat(get("/video", "Range", "items=0-1").statusCode()).isEqualTo(200);
    }

    @Test
    void send_honoursIfRange_onlyWhenEtagMatches() throws Exception {
        String etag = header(get("/video"), "ETag");

        assertThat(get("/video", "Range", "bytes=0-9", "If-Range", etag).statusCode()).isEqualTo(206);
        var stale = get("/video", "Range", "bytes=0-9", "If-Range", "\"other\"");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(stale.body()).isEqualTo(bytes);
        assertThat(get("/video", "If-None-Match", etag).statusCode()).isEqualTo(304);
    }

    @Test
    void send_answersHeadersOnly_whenHead() throws Exception {
        var req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/video"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build();

        var res = client.send(req, HttpResponse.BodyHandlers.ofByteArray());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(header(res, "Content-Length")).isEqualTo(Integer.toString(SIZE));
        assertThat(res.body()).isEmpty();
    }

    @Test
    void send_namesTheDownload_whenFilenameGiven() throws Exception {
        var res = get("/download");

        assertThat(header(res, "Content-Disposition"))
                .isEqualTo("attachment; filename=\"my video.mp4\"; filename*=UTF-8''my%20video.mp4");
        assertThat(res.body()).isEqualTo(bytes);
    }

    // regression: an open range starting exactly at the end was taken as malformed (200), not 416
    @Test
    void parse_isUnsatisfiable_whenOpenRangeStartsAtTheEnd() {
        assertThat(RangeSender.parse("bytes=10-", 10)).isInstanceOf(RangeSender.Unsatisfiable.class);
        assertThat(RangeSender.parse("bytes=0-", 0)).isInstanceOf(RangeSender.Unsatisfiable.class);
        assertThat(RangeSender.parse("bytes=-0", 10)).isInstanceOf(RangeSender.Unsatisfiable.class);
        assertThat(RangeSender.parse("bytes=9-", 10)).isEqualTo(new RangeSender.Partial(new RangeSender.Range(9, 9)));
        assertThat(RangeSender.parse("bytes=5-2", 10)).isInstanceOf(RangeSender.Full.class);
    }
}
