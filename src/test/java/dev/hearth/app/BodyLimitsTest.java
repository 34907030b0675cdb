package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Oversized and malformed bodies. JSON, on every JSON route: a 413 naming the limit or a 400 saying
 * what is wrong in the user's words — never a 500 (Jackson's limit errors have no location, which
 * the parser's message building dereferenced) and never Jackson's own vocabulary. Multipart forms:
 * the part cap.
 */
class BodyLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", DialectSupport.TESTSRC + """
                chat:
                  task: chat
                  engine: remote
                  url: http://127.0.0.1:9
                """);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    static JsonNode error(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.has("type") && error.has("code") && error.has("param")).isTrue();
        assertThat(error.get("message").asText()).doesNotContain("Jackson", "JsonReadFeature", "StreamReadConstraints", "`");
        return error;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/jobs", "/v1/tasks/",
            "/v1/videos", "/models/testsrc/generate"})
    void JsonRoutes_answer413_notA500_whenNestingIsTooDeep(String route) throws Exception {
        String deep = "{\"model\":" + "[".repeat(1001) + "]".repeat(1001) + "}";

        JsonNode e = error(h.post(route, deep), 413);

        assertThat(e.get("message").asText()).contains("deeper than 1000 levels");
        assertThat(e.get("code").asText()).isEqualTo("request_too_large");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/jobs", "/v1/tasks/", "/v1/videos", "/models/testsrc/generate"})
    void JsonRoutes_answer413_notA500_whenANumberHasOver1000Digits(String route) throws Exception {
        JsonNode e = error(h.post(route, "{\"seed\":" + "7".repeat(1001) + "}"), 413);

        assertThat(e.get("message").asText()).contains("number longer than 1000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/jobs", "/v1/tasks/", "/v1/videos", "/models/testsrc/generate"})
    void JsonRoutes_answer413_notA500_whenAFieldNameIsOver50000Chars(String route) throws Exception {
        JsonNode e = error(h.post(route, "{\"" + "k".repeat(50_001) + "\":1}"), 413);

        assertThat(e.get("message").asText()).contains("field name longer than 50000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/jobs", "/v1/tasks/"})
    void JsonRoutes_answer413_notA500_whenABase64ImageIs30MB(String route) throws Exception {
        String body = "{\"model\":\"testsrc\",\"prompt\":\"x\",\"image\":\"data:image/png;base64,"
                + "A".repeat(30_000_000) + "\",\"image_path\":null}";

        JsonNode e = error(h.post(route, body), 413);

        assertThat(e.get("message").asText()).contains("string longer than");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/chat/completions", "/v1/jobs", "/v1/tasks/", "/v1/videos", "/models/testsrc/generate"})
    void JsonRoutes_answer400InTheUsersWords_notJacksonsFeatureNames_whenANumberIsNaN(String route) throws Exception {
        JsonNode e = error(h.post(route, "{\"model\":NaN}"), 400);

        assertThat(e.get("message").asText()).startsWith("The request body is not valid JSON: unexpected word 'NaN'")
                .contains("line 1, column");
    }

    @Test
    void JsonRoutes_nameTheCharacterAndItsPlace_whenTheBodyHasAStrayCharacter() throws Exception {
        JsonNode e = error(h.post("/v1/chat/completions", "{\"model\":'x'}"), 400);

        assertThat(e.get("message").asText())
                .isEqualTo("The request body is not valid JSON: unexpected character ''' at line 1, column 10.");
    }

    @Test
    void JsonRoutes_sayTheBodyEndsTooEarly_withoutJacksonsSourceExcerpt_whenItIsCutShort() throws Exception {
        JsonNode e = error(h.post("/v1/chat/completions", "{\"model\":\"x\""), 400);

        assertThat(e.get("message").asText()).contains("it ends before the JSON value is complete")
                .doesNotContain("REDACTED", "Source");
    }

    // regression: the 64-part cap was not enforced on the streaming parser: 70 parts got a 200
    @ParameterizedTest
    @ValueSource(strings = {"/v1/tasks/form", "/v1/videos"})
    void MultipartRoutes_answer413NamingTheLimit_notA200_whenTheFormHas70Parts(String route) throws Exception {
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("prompt", "a cat");
        fields.put("model", "testsrc");
        for (int i = 0; i < 68; i++) {
            fields.put("extra_" + i, "x");
        }

        JsonNode e = error(DialectSupport.postMultipart(h, route, fields, null, null), 413);

        assertThat(e.get("message").asText()).contains("more than 64 parts");
        assertThat(h.get("/v1/jobs").body()).doesNotContain("a cat");
    }
}
