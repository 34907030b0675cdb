package dev.hearth.app;

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
}
