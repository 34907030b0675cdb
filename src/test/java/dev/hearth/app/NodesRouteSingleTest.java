package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/nodes on SQLite: this Hearth is the only node, and lists itself with its models' states. */
class NodesRouteSingleTest {
    @TempDir
    Path dir;

    @Test
    void aHearthOnSqlite_listsItselfAlone_withItsModelsStates() {
        try (TestHearth h = new TestHearth(dir, "", JobsApiTest.TESTSRC)) {
            h.post("/api/models/testsrc/load", "");
            JsonNode nodes = json(h.get("/api/nodes"));
            assertThat(nodes.path("data")).hasSize(1);
            JsonNode self = nodes.path("data").path(0);
            assertThat(self.path("state").asText()).isEqualTo("alive");
            assertThat(self.path("self").asBoolean()).isTrue();
            assertThat(self.path("url").asText()).isEqualTo(h.hearth.baseUri().toString());
            assertThat(self.path("models").path(0).path("name").asText()).isEqualTo("testsrc");
            assertThat(self.path("models").path(0).has("max_concurrency")).isTrue();
            assertThat(self.path("loaded").toString()).contains("testsrc");
        }
    }
}
