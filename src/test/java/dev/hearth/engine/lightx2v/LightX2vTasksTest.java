package dev.hearth.engine.lightx2v;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.JobRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Hearth's params → LightX2V's TaskRequest fields, and what is read back from its status answers. */
class LightX2vTasksTest {
    @TempDir
    Path dir;

    private JsonNode body(String params, Map<String, String> inputs) throws Exception {
        ObjectNode p = (ObjectNode) LightX2vTasks.JSON.readTree(params);
        return LightX2vTasks.body(new JobRequest("j_1", "t2v", p, inputs, dir));
    }

    @Test
    void body_countsFramesAtLightX2vsOwn16Fps_whenTheJobHasNoFps() throws Exception {
        JsonNode b = body("{\"prompt\":\"p\",\"seconds\":5.0625,\"size\":\"832x480\"}", Map.of());

        assertThat(b.path("target_video_length").asInt()).isEqualTo(81);
        assertThat(b.has("target_fps")).isFalse();
        assertThat(b.path("target_shape").toString()).isEqualTo("[480,832]");
    }

    @Test
    void body_leavesOutWhatTheJobDoesNotSay_soTheServersDefaultsApply() throws Exception {
        JsonNode b = body("{\"prompt\":\"p\",\"negative_prompt\":\"\"}", Map.of());

        assertThat(b.properties()).extracting(Map.Entry::getKey).containsExactly("prompt");
    }

    @Test
    void body_sendsAJpegInput_asAJpegDataUri() throws Exception {
        Path jpeg = dir.resolve("image");
        Files.write(jpeg, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 1, 2, 3});

        JsonNode b = body("{\"prompt\":\"p\"}", Map.of("image", jpeg.toString()));

        assertThat(b.path("image_path").asText()).isEqualTo("data:image/jpeg;base64,/9j/4AECAw==");
    }

    @Test
    void status_readsProgressAsAPercentage_andTheErrorOrFastApisDetail() throws Exception {
        assertThat(LightX2vTasks.progress(LightX2vTasks.JSON.readTree("{\"progress\":42}"))).isEqualTo(0.42);
        assertThat(LightX2vTasks.progress(LightX2vTasks.JSON.readTree("{\"status\":\"processing\"}"))).isEqualTo(-1);
        assertThat(LightX2vTasks.error(LightX2vTasks.JSON.readTree("{\"error\":null,\"detail\":\"Task not found\"}")))
                .isEqualTo("Task not found");
    }
}
