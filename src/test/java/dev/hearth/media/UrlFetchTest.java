package dev.hearth.media;

import dev.hearth.PayloadTooLargeException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hearth.BadRequestException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** URL inputs against a real loopback HTTP server serving a real PNG. */
class UrlFetchTest {
    private static final String FIELD = "image_path";
    private static final byte[] PNG = TestImages.png();
    private static final byte[] PDF = TestPdfs.pdf(new TestPdfs.Page.Blank());
    /** One second of 16 kHz mono 16-bit silence as a WAV. */
    private static final byte[] SECOND_OF_SILENCE = java.util.Arrays.copyOf(AudioChunks.wavHeader(32_000), 44 + 32_000);

    @TempDir
    Path data;

    private HttpServer server;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final AtomicInteger flaky = new AtomicInteger();
    private final List<Duration> slept = new CopyOnWriteArrayList<>();
    private final Map<String, String> accepts = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        switch (path) {
            case "/ok.png" -> reply(ex, 200, "image/png", PNG, true);
            case "/flaky.png" -> {
                if (flaky.incrementAndGet() <= 2) {
                    reply(ex, 503, "text/plain", "busy".getBytes(), true);
                } else {
                    reply(ex, 200, "image/png", PNG, true);
                }
            }
            case "/down.png" -> reply(ex, 503, "text/plain", "busy".getBytes(), true);
            case "/chunked.png" -> reply(ex, 200, "image/png", PNG, false);
            case "/lying.png" -> reply(ex, 200, "image/png", "<html>not an image</html>".getBytes(), true);
            case "/page.html" -> reply(ex, 200, "text/html", "<html></html>".getBytes(), true);
            case "/talk.wav" -> {
                accepts.put(path, ex.getRequestHeaders().getFirst("Accept"));
                reply(ex, 200, "audio/wav", SECOND_OF_SILENCE, false);
            }
            case "/doc.pdf" -> {
                accepts.put(path, ex.getRequestHeaders().getFirst("Accept"));
                reply(ex, 200, "application/pdf", PDF, true);
            }
            case "/to-loopback" -> {
                ex.getResponseHeaders().add("Location", "http://localhost:" + port() + "/ok.png");
                reply(ex, 302, "text/plain", new byte[0], true);
            }
            case "/hop" -> {
                ex.getResponseHeaders().add("Location", "/ok.png");
                reply(ex, 301, "text/plain", new byte[0], true);
            }
            case "/loop" -> {
                ex.getResponseHeaders().add("Location", "/loop");
                reply(ex, 302, "text/plain", new byte[0], true);
            }
            default -> reply(ex, 404, "text/plain", "no".getBytes(), true);
        }
    }

    private static void reply(HttpExchange ex, int status, String type, byte[] body, boolean withLength) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : withLength ? body.length : 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    private Inputs inputs(MediaLimits limits, UrlFetcher.Resolver resolver) {
        return new Inputs(data, limits, new UrlFetcher(limits, slept::add, resolver));
    }

    private Inputs trusting() {
        return inputs(MediaLimits.defaults().withAllowPrivate(true), InetAddress::getAllByName);
    }

    private int hits(String path) {
        return hits.getOrDefault(path, new AtomicInteger()).get();
    }

    @Test
    void fromUrl_storesThePng_whenServerAnswers200() throws IOException {
        StoredInput in = trusting().fromReference("job1", FIELD, url("/ok.png"));

        assertThat(in.path()).isEqualTo(data.resolve("inputs/job1/image_path.png"));
        assertThat(Files.readAllBytes(in.path())).isEqualTo(PNG);
        assertThat(in.contentType()).isEqualTo("image/png");
        assertThat(in.size()).isEqualTo(PNG.length);
        assertThat(slept).isEmpty();
    }

    @Test
    void fromUrl_retriesWithBackoff_when503TwiceThen200() throws IOException {
        StoredInput in = trusting().fromUrl("job1", FIELD, url("/flaky.png"));

        assertThat(Files.readAllBytes(in.path())).isEqualTo(PNG);
        assertThat(hits("/flaky.png")).isEqualTo(3);
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    @Test
    void fromUrl_givesUpWith400_whenStill503AfterRetries() {
        assertThatThrownBy(() -> trusting().fromUrl("job1", FIELD, url("/down.png")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo(FIELD))
                .hasMessageContaining("image_path").hasMessageContaining("4 attempt").hasMessageContaining("503");
        assertThat(hits("/down.png")).isEqualTo(4);
        assertThat(slept).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
    }

    @Test
    void fromUrl_retries_whenConnectionRefused() throws IOException {
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> trusting().fromUrl("job1", FIELD, "http://127.0.0.1:" + closedPort + "/x.png"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("ConnectException");
        assertThat(slept).hasSize(3);
    }

    @Test
    void fromUrl_doesNotRetry_when404() {
        assertThatThrownBy(() -> trusting().fromUrl("job1", FIELD, url("/missing.png")))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo(FIELD))
                .hasMessageContaining("image_path").hasMessageContaining("404");
        assertThat(hits("/missing.png")).isEqualTo(1);
        assertThat(slept).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ok.png", "/chunked.png"})
    void fromUrl_answers413_whenImageOverCap(String path) {
        Inputs small = inputs(MediaLimits.defaults().withAllowPrivate(true).withMaxBytes(PNG.length - 1),
                InetAddress::getAllByName);

        assertThatThrownBy(() -> small.fromUrl("job1", FIELD, url(path)))
                .isInstanceOfSatisfying(PayloadTooLargeException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.param()).isEqualTo(FIELD);
                });
        assertThat(data.resolve("inputs/job1")).doesNotExist();
    }

    @Test
    void fromUrl_refuses_whenContentTypeIsNotAnImage() {
        assertThatThrownBy(() -> trusting().fromUrl("job1", FIELD, url("/page.html")))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("text/html");
    }

    @Test
    void fromReference_fetchesAPdf_onlyWhereTheRouteAcceptsOne() throws IOException {
        assertThatThrownBy(() -> trusting().fromReference("job1", FIELD, url("/doc.pdf")))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("application/pdf, not image/png");
        assertThat(accepts.get("/doc.pdf")).isEqualTo("image/png, image/jpeg, image/webp, image/gif");

        StoredInput in = trusting().fromReference("ocr1", "document", url("/doc.pdf"), MediaType.IMAGES_AND_PDF);
        assertThat(in.contentType()).isEqualTo("application/pdf");
        assertThat(Files.readAllBytes(in.path())).isEqualTo(PDF);
        assertThat(accepts.get("/doc.pdf")).isEqualTo("image/png, image/jpeg, image/webp, image/gif, application/pdf");
    }

    @Test
    void fromUrl_refuses_whenServerLiesAboutTheType() {
        assertThatThrownBy(() -> trusting().fromUrl("job1", FIELD, url("/lying.png")))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("not a PNG, JPEG, WebP or GIF");
    }

    @Test
    void fromUrl_followsRelativeRedirect_whenAllowed() throws IOException {
        StoredInput in = trusting().fromUrl("job1", FIELD, url("/hop"));

        assertThat(Files.readAllBytes(in.path())).isEqualTo(PNG);
    }

    @Test
    void fromUrl_refuses_whenRedirectsLoop() {
        assertThatThrownBy(() -> trusting().fromUrl("job1", FIELD, url("/loop")))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("redirects");
        assertThat(hits("/loop")).isEqualTo(UrlFetcher.MAX_REDIRECTS + 1);
    }

    @Test
    void fromUrl_refusesRedirectTarget_whenItResolvesToLoopback() throws IOException {
        // the first hop is made to look public; its redirect to localhost must be checked again
        InetAddress publicAddress = InetAddress.getByAddress("public.example", new byte[] {93, (byte) 184, (byte) 216, 34});
        Inputs guarded = inputs(MediaLimits.defaults(),
                host -> host.equals("127.0.0.1") ? new InetAddress[] {publicAddress} : InetAddress.getAllByName(host));

        assertThatThrownBy(() -> guarded.fromUrl("job1", FIELD, url("/to-loopback")))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("loopback");
        assertThat(hits("/to-loopback")).isEqualTo(1);
        assertThat(hits("/ok.png")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]", "10.1.2.3", "172.16.0.9", "192.168.1.1",
            "169.254.169.254", "0.0.0.0", "[fc00::1]", "[fe80::1]", "[::ffff:10.0.0.1]", "224.0.0.1"})
    void fromUrl_refusesWithoutConnecting_whenHostIsInternal(String host) {
        Inputs guarded = inputs(MediaLimits.defaults(), InetAddress::getAllByName);

        // a connection attempt to 10.1.2.3 would hang for the 30 s timeout; refusing is immediate
        assertTimeoutPreemptively(Duration.ofSeconds(5), () ->
                assertThatThrownBy(() -> guarded.fromUrl("job1", FIELD, "http://" + host + ":" + port() + "/ok.png"))
                        .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo(FIELD))
                        .hasMessageContaining("not allowed"));
        assertThat(hits("/ok.png")).isZero();
        assertThat(slept).isEmpty();
    }

    @Test
    void fromUrl_refuses_whenAnyResolvedAddressIsPrivate() throws IOException {
        InetAddress pub = InetAddress.getByAddress("mixed.example", new byte[] {8, 8, 8, 8});
        InetAddress priv = InetAddress.getByAddress("mixed.example", new byte[] {10, 0, 0, 1});
        Inputs guarded = inputs(MediaLimits.defaults(), host -> new InetAddress[] {pub, priv});

        assertThatThrownBy(() -> guarded.fromUrl("job1", FIELD, "http://mixed.example/x.png"))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("private");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/x.png", "file:///etc/passwd", "gopher://x/"})
    void fromReference_refuses_whenSchemeIsNotHttp(String url) {
        assertThatThrownBy(() -> trusting().fromReference("job1", FIELD, url))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.param()).isEqualTo(FIELD));
    }

    @Test
    void addressPolicy_allowsPublicAddresses_only() throws IOException {
        assertThat(AddressPolicy.internalReason(InetAddress.getByName("8.8.8.8"))).isNull();
        assertThat(AddressPolicy.internalReason(InetAddress.getByName("2606:4700::1111"))).isNull();
        assertThat(AddressPolicy.internalReason(InetAddress.getByName("100.64.0.1"))).isEqualTo("private");
        assertThat(AddressPolicy.internalReason(InetAddress.getByName("64:ff9b::a00:1"))).isEqualTo("private");
        assertThat(AddressPolicy.internalReason(InetAddress.getByName("2002:a9fe:a9fe::"))).isEqualTo("link-local");
        assertThat(AddressPolicy.internalReason(InetAddress.getByName("255.255.255.255"))).isEqualTo("reserved");
        assertThat(new String(PNG, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void aRecordingByUrl_isStreamedToTheJobsDirectory_withinTheAudioCap() throws IOException {
        AudioInputs audio = new AudioInputs(trusting(), 1024 * 1024);
        AudioInputs.StoredAudio got = audio.fromReference("job7", "audio", url("/talk.wav"));
        assertThat(got.seconds()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(0.01));
        assertThat(java.nio.file.Files.readAllBytes(got.input().path())).isEqualTo(SECOND_OF_SILENCE);
        assertThat(accepts.get("/talk.wav")).startsWith("audio/*");

        assertThatThrownBy(() -> audio.fromReference("job8", "audio", url("/page.html")))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("text/html, not audio/");
        assertThatThrownBy(() -> new AudioInputs(trusting(), 1000).fromReference("job9", "audio", url("/talk.wav")))
                .isInstanceOf(dev.hearth.PayloadTooLargeException.class);
        // the image path's guard against internal addresses holds for recordings too
        assertThatThrownBy(() -> new AudioInputs(inputs(MediaLimits.defaults(), InetAddress::getAllByName), 1 << 20)
                .fromReference("job10", "audio", url("/talk.wav")))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("loopback");
    }
}
