package dev.hearth.gateway;

import dev.hearth.Json;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one SSE writer on a real Helidon server: each request to {@code /numbers} opens a stream of
 * {@code n} events that ends at a negative number; the test is the publisher.
 */
@Timeout(60) // a stream that never ends fails its test instead of stalling the whole run
class SseWriterTest {
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final LinkedBlockingQueue<SseWriter.Stream<Integer>> streams = new LinkedBlockingQueue<>();
    final AtomicInteger writing = new AtomicInteger();
    /** Runs on the request's thread before writing starts, as a route subscribes and reads before it writes. */
    volatile Consumer<SseWriter.Stream<Integer>> before = s -> { };
    WebServer server;
    SseWriter writer;

    void start(SseWriter w, int capacity) {
        writer = w;
        server = WebServer.builder().host("127.0.0.1").port(0).routing(r -> r.get("/numbers", (req, res) -> {
            SseWriter.Stream<Integer> s = w.stream(capacity);
            before.accept(s);
            streams.add(s);
            writing.incrementAndGet();
            try {
                w.write(res, s, "numbers", null, (n, out) -> {
                    out.event("n", Json.object().put("n", n));
                    return n >= 0;
                });
            } finally {
                writing.decrementAndGet();
            }
        })).build().start();
    }

    @AfterEach
    void stop() {
        writer.close();
        server.stop();
    }

    BufferedReader open() throws Exception {
        HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/numbers")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).startsWith(":").contains("numbers");
        return in;
    }

    /** The non-blank lines until the end of the stream. */
    static List<String> rest(BufferedReader in) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) lines.add(line);
        }
        return lines;
    }

    @Test
    void SseWriter_sendsEventsInOrder_andEnds_whenTheFeedSaysSo() throws Exception {
        start(new SseWriter(), 16);
        try (BufferedReader in = open()) {
            SseWriter.Stream<Integer> s = streams.take();
            s.accept(1);
            s.accept(2);
            s.accept(-1);
            assertThat(rest(in)).containsExactly("event:n", "data:{\"n\":1}", "event:n", "data:{\"n\":2}",
                    "event:n", "data:{\"n\":-1}");
        }
        await().until(() -> writing.get() == 0);
    }

    @Test
    void SseWriter_sendsKeepAliveComments_whileNothingComes() throws Exception {
        start(new SseWriter(Duration.ofMillis(20)), 16);
        try (BufferedReader in = open()) {
            for (int i = 0; i < 3; i++) {
                assertThat(in.readLine()).isIn(":keep-alive", "");
            }
        }
    }

    @Test
    void SseWriter_endsTheStream_whenItsKeepAliveFindsTheClientGone() throws Exception {
        start(new SseWriter(Duration.ofMillis(20)), 16);
        open().close();
        await().until(() -> writing.get() == 0);
    }

    @Test
    void SseWriter_endsEveryOpenStream_andEachOpenedLater_whenClosed() throws Exception {
        start(new SseWriter(), 16); // keep-alive of 15 s: only close() ends these streams in time
        try (BufferedReader first = open(); BufferedReader second = open()) {
            await().until(() -> writing.get() == 2);
            writer.close();
            assertThat(rest(first)).isEmpty();
            assertThat(rest(second)).isEmpty();
            try (BufferedReader later = open()) {
                assertThat(rest(later)).isEmpty();
            }
        }
        await().until(() -> writing.get() == 0);
    }

    @Test
    void SseWriter_dropsWhatDoesNotFit_andSaysHowMany_whenTheClientIsSlowerThanThePublisher() throws Exception {
        start(new SseWriter(), 2);
        // a publisher that offers five events before the client reads any: it is not held up
        before = s -> {
            for (int n = 1; n <= 5; n++) s.accept(n);
        };
        try (BufferedReader in = open()) {
            SseWriter.Stream<Integer> s = streams.take();
            // the end marker is offered only once the writer has taken what the queue held (it wrote 2),
            // else a full queue would drop it too and the stream would never end
            List<String> lines = new ArrayList<>();
            for (String line; (line = in.readLine()) != null && !line.equals("data:{\"n\":2}"); ) {
                if (!line.isBlank()) lines.add(line);
            }
            lines.add("data:{\"n\":2}");
            s.accept(-1);
            lines.addAll(rest(in));
            assertThat(lines).containsExactly(":3 events dropped: this client reads slower than they come",
                    "event:n", "data:{\"n\":1}", "event:n", "data:{\"n\":2}", "event:n", "data:{\"n\":-1}");
        }
    }
}
