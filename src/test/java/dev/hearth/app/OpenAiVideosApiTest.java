package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.assertMp4;
import static dev.hearth.app.DialectSupport.awaitField;
import static dev.hearth.app.DialectSupport.bytes;
import static dev.hearth.app.DialectSupport.delete;
import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/** OpenAI's /v1/videos through a real Hearth, its job core and the real testsrc worker. */
class OpenAiVideosApiTest {
    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "retention: 7d", DialectSupport.TESTSRC);
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void video_goesFromCreateToContent_withOpenAiFieldsAndStatuses() throws Exception {
        HttpResponse<String> created = h.post("/v1/videos",
                "{\"model\": \"testsrc\", \"prompt\": \"a red fox\", \"seconds\": \"1\", \"size\": \"160x96\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonNode v = json(created);
        String id = v.path("id").asText();
        assertThat(v.path("object").asText()).isEqualTo("video");
        assertThat(v.path("model").asText()).isEqualTo("testsrc");
        assertThat(v.path("status").asText()).isIn("queued", "in_progress");
        assertThat(v.path("seconds").asText()).isEqualTo("1");
        assertThat(v.path("size").asText()).isEqualTo("160x96");
        assertThat(created.headers().firstValue("openai-poll-after-ms")).isPresent();

        JsonNode done = awaitField(h, "/v1/videos/" + id, "status", "completed", "failed");
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("progress").asInt()).isEqualTo(100);
        assertThat(done.path("completed_at").asLong()).isGreaterThanOrEqualTo(done.path("created_at").asLong());
        assertThat(done.path("expires_at").asLong() - done.path("completed_at").asLong()).isEqualTo(7 * 86400);
        assertThat(done.path("error").isNull()).isTrue();
        assertThat(h.get("/v1/videos/" + id).headers().firstValue("openai-poll-after-ms")).isEmpty();

        HttpResponse<byte[]> video = bytes(h, "/v1/videos/" + id + "/content", Map.of());
        assertThat(video.statusCode()).isEqualTo(200);
        assertThat(video.headers().firstValue("content-type")).contains("video/mp4");
        assertMp4(video.body(), dir, 160, 96);
        HttpResponse<byte[]> thumb = bytes(h, "/v1/videos/" + id + "/content?variant=thumbnail", Map.of());
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("content-type")).contains("image/jpeg");
        assertThat(thumb.body()[0] & 0xff).isEqualTo(0xFF);
        assertThat(thumb.body()[1] & 0xff).isEqualTo(0xD8);

        JsonNode list = json(h.get("/v1/videos?limit=100"));
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data").toString()).contains(id);

        JsonNode deleted = json(delete(h, "/v1/videos/" + id));
        assertThat(deleted.path("deleted").asBoolean()).isTrue();
        assertError(h.get("/v1/videos/" + id), 404, null);
    }

    @Test
    void multipartCreate_withInputReference_runsImageToVideo_andModelDefaultsToTheVideoModel() throws Exception {
        HttpResponse<String> created = DialectSupport.postMultipart(h, "/v1/videos",
                Map.of("prompt", "the card moves", "seconds", "1"), "input_reference", DialectSupport.png());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).path("id").asText();
        assertThat(json(created).path("model").asText()).isEqualTo("testsrc");

        JsonNode done = awaitField(h, "/v1/videos/" + id, "status", "completed", "failed");
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(h.hearth.jobs().get(id).task()).isEqualTo("i2v");
        assertMp4(bytes(h, "/v1/videos/" + id + "/content?variant=video", Map.of()).body(), dir, 160, 96);
    }

    @Test
    void list_pagesWithAfterLimitAndOrder() {
        String a = json(h.post("/v1/videos", "{\"prompt\": \"a\"}")).path("id").asText();
        String b = json(h.post("/v1/videos", "{\"prompt\": \"b\"}")).path("id").asText();

        JsonNode first = json(h.get("/v1/videos?limit=1"));
        assertThat(first.path("data").get(0).path("id").asText()).isEqualTo(b);
        assertThat(first.path("has_more").asBoolean()).isTrue();
        JsonNode next = json(h.get("/v1/videos?limit=1&after=" + b));
        assertThat(next.path("data").get(0).path("id").asText()).isEqualTo(a);
        JsonNode asc = json(h.get("/v1/videos?order=asc&limit=100"));
        String ids = asc.path("data").findValuesAsText("id").toString();
        assertThat(ids.indexOf(a)).isLessThan(ids.indexOf(b));
    }

    @Test
    void errors_areEnvelopesNamingOpenAiFields() {
        assertError(h.get("/v1/videos/j_nope"), 404, null);
        assertError(h.get("/v1/videos/j_nope/content"), 404, null);
        assertError(delete(h, "/v1/videos/j_nope"), 404, null);
        assertError(h.post("/v1/videos", "{\"seconds\": \"4\"}"), 400, "prompt");
        assertError(h.post("/v1/videos", "{\"prompt\": \"x\", \"seconds\": \"eight\"}"), 400, "seconds");
        assertError(h.post("/v1/videos", "{\"prompt\": \"x\", \"seconds\": \"1000\"}"), 400, "seconds");
        assertError(h.post("/v1/videos", "{\"prompt\": \"x\", \"size\": \"1280*720\"}"), 400, "size");
        assertError(h.post("/v1/videos", "{\"prompt\": \"x\", \"input_reference\": \"not an image\"}"), 400, "input_reference");
        assertError(h.post("/v1/videos", "{\"prompt\": \"x\", \"model\": \"sora-2\"}"), 404, "model");
        assertError(h.get("/v1/videos?limit=0"), 400, "limit");
        assertError(h.get("/v1/videos?order=sideways"), 400, "order");

        String id = DialectSupport.heldJob(h);
        assertError(h.get("/v1/videos/" + id + "/content"), 409, null);
        assertError(h.get("/v1/videos/" + id + "/content?variant=spritesheet"), 400, "variant");
        h.hearth.jobs().cancel(id);
        JsonNode failed = awaitField(h, "/v1/videos/" + id, "status", "failed", "completed");
        assertThat(failed.path("error").path("code").asText()).isEqualTo("cancelled");
    }
}
