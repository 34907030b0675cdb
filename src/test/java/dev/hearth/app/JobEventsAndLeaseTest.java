package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.engine.worker.WorkerEngine;
import dev.hearth.scheduler.ModelEvent;
import dev.hearth.scheduler.ModelState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SSE progress of a job, and the scheduler lease a running job holds. */
class JobEventsAndLeaseTest {
    private static final List<String> ORDER = List.of("queued", "running", "succeeded");

    @TempDir
    Path dir;

    @Test
    void events_arriveInOrder_withProgress_andTheStreamEndsAtTheFinalState() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", JobsApiTest.TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"events\",\"params\":{\"fps\":8,\"seconds\":4,"
                    + "\"hold\":true}}").path("id").asText();

            HttpResponse<Stream<String>> r = jobs.http.send(HttpRequest.newBuilder(h.uri("/v1/jobs/" + id + "/events"))
                    .GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            // held mid-job while the stream is open, so it must carry a progress between 0 and 1
            jobs.await(id, Duration.ofSeconds(60), j -> j.path("progress").asDouble() > 0 || Jobs.terminal(j));
            Jobs.release(dir.resolve("data"), id);
            List<String> lines;
            try (Stream<String> s = r.body()) {
                lines = s.toList(); // returns only because the server ends the stream after the final state
            }

            List<JsonNode> events = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).equals("event:job") || lines.get(i).equals("event: job")) {
                    events.add(Jobs.json(lines.get(i + 1).replaceFirst("^data: ?", "")));
                }
            }
            assertThat(events).isNotEmpty();
            assertThat(events.getLast().path("state").asText()).isEqualTo("succeeded");
            int state = 0;
            double progress = 0;
            for (JsonNode e : events) {
                assertThat(e.path("id").asText()).isEqualTo(id);
                int s = ORDER.indexOf(e.path("state").asText());
                assertThat(s).as("state order in %s", events).isGreaterThanOrEqualTo(state);
                assertThat(e.path("progress").asDouble()).as("progress order").isGreaterThanOrEqualTo(progress);
                state = s;
                progress = e.path("progress").asDouble();
            }
            assertThat(events).anySatisfy(e -> assertThat(e.path("progress").asDouble()).isStrictlyBetween(0.0, 1.0));
            assertThat(events.getLast().path("outputs").findValuesAsText("name")).contains("video.mp4");
        }
    }

    @Test
    void aRunningJob_holdsTheModelsLease_soItIsNotIdleUnloadedMidJob() {
        try (TestHearth h = new TestHearth(dir, "", """
                testsrc:
                  engine: testsrc
                  idle_unload: 1s
                """)) {
            List<ModelEvent> events = new CopyOnWriteArrayList<>();
            h.hearth.scheduler().addListener(events::add);
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"lease\",\"params\":{\"size\":\"160x96\","
                    + "\"fps\":8,\"seconds\":1,\"hold\":true}}").path("id").asText();
            jobs.await(id, Duration.ofSeconds(60), j -> j.path("progress").asDouble() > 0 || Jobs.terminal(j));
            long pid = ((WorkerEngine) h.hearth.scheduler().engine("testsrc")).pid().orElseThrow();

            // the job is held mid-run (it ends only when released): three idle_unloads pass under it
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                    events.stream().noneMatch(e -> e.type() == ModelEvent.Type.UNLOADED)
                            && jobs.get(id).path("state").asText().equals("running"));
            Jobs.release(dir.resolve("data"), id);
            JsonNode done = jobs.awaitState(id, "succeeded", Duration.ofSeconds(60));

            Instant started = Instant.parse(done.path("started_at").asText());
            Instant finished = Instant.parse(done.path("finished_at").asText());
            assertThat(Duration.between(started, finished)).as("the job outlasted idle_unload several times")
                    .isGreaterThan(Duration.ofSeconds(3));
            assertThat(events).filteredOn(e -> e.type() == ModelEvent.Type.UNLOADED).isEmpty();
            assertThat(((WorkerEngine) h.hearth.scheduler().engine("testsrc")).pid()).hasValue(pid);
            // and once the job is over the lease is released: the idle model goes
            await().atMost(Duration.ofSeconds(30)).until(() -> h.hearth.scheduler().status().stream()
                    .filter(s -> s.name().equals("testsrc")).findFirst().orElseThrow().state() == ModelState.UNLOADED);
        }
    }
}
