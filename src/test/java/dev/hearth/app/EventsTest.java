package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventsTest {
    @TempDir
    Path dir;

    @Test
    void apiEvents_streamsLoadingAndReady_whenAModelLoads() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", """
                embed:
                  engine: onnx-embeddings
                """)) {
            HttpResponse<InputStream> r = h.http.send(HttpRequest.newBuilder(h.uri("/api/events")).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            List<String> data = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                assertThat(in.readLine()).startsWith(":"); // the opening comment: we are subscribed
                h.post("/api/models/embed/load", "");
                for (String line; data.size() < 2 && (line = in.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        data.add(line);
                    }
                }
            }
            assertThat(data.get(0)).contains("\"model\":\"embed\"").contains("\"type\":\"loading\"");
            assertThat(data.get(1)).contains("\"type\":\"ready\"");
        }
    }

    @Test
    void apiEvents_carriesModelEvents_andJobEvents_onOneConnection() throws Exception {
        try (TestHearth h = new TestHearth(dir, "", DialectSupport.TESTSRC)) {
            HttpResponse<InputStream> r = h.http.send(HttpRequest.newBuilder(h.uri("/api/events")).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                assertThat(in.readLine()).startsWith(":"); // subscribed
                HttpResponse<String> submitted = h.post("/v1/jobs", "{\"model\":\"testsrc\",\"prompt\":\"both kinds\"}");
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(200);
                String id = DialectSupport.json(submitted).path("id").asText();
                // the job loads its model (model events) and runs to its end (job events), all on this stream
                List<String> models = new ArrayList<>();
                List<JsonNode> jobs = new ArrayList<>();
                String name = null;
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("event:")) {
                        name = line.substring("event:".length()).strip();
                    } else if (line.startsWith("data:")) {
                        JsonNode data = Jobs.json(line.substring("data:".length()));
                        if (name.equals("model")) models.add(data.path("type").asText());
                        if (name.equals("job")) jobs.add(data);
                        if (name.equals("job") && data.path("state").asText().equals("succeeded")) break;
                    }
                }
                assertThat(models).startsWith("loading", "ready");
                assertThat(jobs).isNotEmpty().allSatisfy(j -> assertThat(j.path("id").asText()).isEqualTo(id));
                // queued as it is stored (every node's dispatcher for the model wakes on it), then running
                assertThat(jobs.getFirst().path("state").asText()).isEqualTo("queued");
                assertThat(jobs).extracting(j -> j.path("state").asText()).contains("running");
                assertThat(jobs.getLast().path("outputs").size()).isPositive();
            }
        }
    }
}
