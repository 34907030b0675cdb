package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A streaming client that asks for it ({@code Hearth-Loading}) hears how a cold model's load goes
 * while it waits, then the answer in the same stream; a client that does not ask sees nothing new.
 * The cold model is a test server whose /health says 503 until the test warms it.
 */
class LoadingFeedbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private TestHearth hearth(ColdEngine cold) {
        return new TestHearth(dir, "", """
                cold:
                  engine: remote
                  url: %s
                  start_timeout: 5m
                """.formatted(cold.url()));
    }

    private static HttpResponse<InputStream> stream(TestHearth h, String loading) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(TestHearth.chat("cold", "\"stream\":true")));
        if (loading != null) b.header("Hearth-Loading", loading);
        return h.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** The stream's lines, read on a thread of their own so that no wait is without a limit. */
    private static BlockingQueue<String> lines(InputStream in) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            } catch (Exception e) {
                lines.add("read failed: " + e);
            }
            lines.add("<end>");
        });
        return lines;
    }

    private static String next(BlockingQueue<String> lines, String startingWith) throws InterruptedException {
        while (true) {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) fail("no line starting with " + startingWith + " within 60 s");
            if (line.equals("<end>")) fail("the stream ended before a line starting with " + startingWith);
            if (line.startsWith(startingWith)) return line;
        }
    }

    @Test
    void withHearthLoadingEvents_theWaitIsReportedEverySecond_thenTheAnswerFollows() throws Exception {
        try (ColdEngine cold = new ColdEngine(); TestHearth h = hearth(cold)) {
            HttpResponse<InputStream> r = stream(h, "events");

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            BlockingQueue<String> lines = lines(r.body());
            assertThat(next(lines, "event:")).isEqualTo("event: hearth.loading");
            JsonNode note = JSON.readTree(next(lines, "data:").substring(5));
            assertThat(note.path("model").asText()).isEqualTo("cold");
            assertThat(note.path("state").asText()).isEqualTo("loading");
            assertThat(note.path("elapsed_s").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(note.path("eta_s").isNull()).as("never loaded before: no ETA").isTrue();

            cold.warm = true;

            assertThat(next(lines, "data: {\"choices\"")).contains("Warm **now**");
            assertThat(next(lines, "data: [DONE]")).isEqualTo("data: [DONE]");
        }
    }

    @Test
    void withHearthLoadingReasoning_theNotesAreChunksAnSdkShowsAsThinking() throws Exception {
        try (ColdEngine cold = new ColdEngine(); TestHearth h = hearth(cold)) {
            BlockingQueue<String> lines = lines(stream(h, "reasoning").body());

            JsonNode chunk = JSON.readTree(next(lines, "data:").substring(5));
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.at("/choices/0/delta/reasoning_content").asText()).startsWith("Loading cold (loading)… ");
            cold.warm = true;
            assertThat(next(lines, "data: {\"choices\"")).contains("Warm **now**");
        }
    }

    @Test
    void withoutTheHeader_aPlainClientSeesOnlyTheAnswer_andABadValueIs400() throws Exception {
        try (ColdEngine cold = new ColdEngine(); TestHearth h = hearth(cold)) {
            HttpResponse<String> bad = h.send(HttpRequest.newBuilder(h.uri("/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Hearth-Loading", "yes please")
                    .POST(HttpRequest.BodyPublishers.ofString(TestHearth.chat("cold", "\"stream\":true"))).build());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("Hearth-Loading must be events or reasoning");

            var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return stream(h, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.hearth.scheduler().status()
                    .stream().anyMatch(s -> s.name().equals("cold") && s.state().wire().equals("loading")));
            cold.warm = true;
            BlockingQueue<String> lines = lines(pending.get(60, TimeUnit.SECONDS).body());

            assertThat(next(lines, "data:")).startsWith("data: {\"choices\"");
        }
    }
}
