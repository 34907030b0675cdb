package dev.hearth.app;

import dev.hearth.gateway.RefusalPacer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14's 429 storm: clients that retry a full queue at once are slowed by the server itself. Past
 * a burst, each refusal of a stormed model is answered a second late, so such a client retries about
 * once a second instead of thousands of times. The full queue is a FAKE hung engine's (a remote model
 * whose server never answers a chat), held by one request in flight and one queued.
 */
@Timeout(120)
class RefusalStormTest {
    static final Duration AT_MOST = Duration.ofSeconds(20);
    static final int STORM = 40;
    @TempDir
    Path dir;
    HungEngine engine;
    TestHearth h;

    @AfterEach
    void stop() throws Exception {
        if (h != null) h.close();
        if (engine != null) engine.close();
    }

    @Test
    void aStormOfChatRefusals_isAnswered429WithRetryAfter_andPastTheBurstEachOneASecondLate() throws Exception {
        engine = new HungEngine(HungEngine.Mode.HANG);
        h = new TestHearth(dir, "", """
                hung:
                  engine: remote
                  url: %s
                  max_concurrency: 1
                  max_queue: 1
                """.formatted(engine.url()));
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(
                () -> h.post("/v1/chat/completions", TestHearth.chat("hung", "")));
        await().atMost(AT_MOST).until(() -> engine.calls.get() == 1);
        CompletableFuture<HttpResponse<String>> queued = CompletableFuture.supplyAsync(
                () -> h.post("/v1/chat/completions", TestHearth.chat("hung", "")));
        await().atMost(AT_MOST).until(() -> h.hearth.scheduler().status().getFirst().queued() == 1);

        assertStormPaced(() -> h.post("/v1/chat/completions", TestHearth.chat("hung", "")));

        engine.mode = HungEngine.Mode.ANSWER; // the queued request, granted once the engine is free, is answered
        h.post("/api/models/hung/unload", "");
        assertThat(inFlight.get(AT_MOST.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(503);
        assertThat(queued.get(AT_MOST.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).statusCode()).isIn(200, 503);
    }

    @Test
    void aStormOfJobSubmissions_toAFullJobQueue_isPacedToo() {
        h = new TestHearth(dir, "", JobsApiTest.TESTSRC + "  max_queue: 1\n");
        Jobs jobs = new Jobs(h.hearth.baseUri());
        String running = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"a\"," + JobsApiTest.HELD + "}").path("id").asText();
        jobs.awaitState(running, "running", Duration.ofSeconds(60));
        jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"b\"}");

        assertStormPaced(() -> jobs.post("{\"model\":\"testsrc\",\"prompt\":\"c\"}"));
        jobs.cancel(running);
    }

    /**
     * {@link #STORM} requests sent at once are all refused with 429 and Retry-After, and all but the
     * bursts answered at once come a second late. Sent together, the storm falls within one second,
     * two at most; a slow machine only makes refusals slower, so it cannot fail this.
     */
    private static void assertStormPaced(java.util.function.Supplier<HttpResponse<String>> refused) {
        List<CompletableFuture<Long>> storm = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < STORM; i++) {
                storm.add(CompletableFuture.supplyAsync(() -> {
                    long sent = System.nanoTime();
                    HttpResponse<String> r = refused.get();
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    assertThat(r.body()).contains("max_queue");
                    return System.nanoTime() - sent;
                }, clients));
            }
        }
        long held = storm.stream().map(CompletableFuture::join)
                .filter(took -> took >= RefusalPacer.HOLD.toNanos()).count();
        assertThat(held).isGreaterThanOrEqualTo(STORM - 2L * RefusalPacer.BURST);
    }
}
