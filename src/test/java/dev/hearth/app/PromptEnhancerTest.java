package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The prompt enhancer with a real LLM: stories260K (a tiny trained Llama in Hearth's llamacpp
 * engine) rewrites the prompt of a testsrc video job, in the dispatcher, inside the scheduler's budget.
 */
class PromptEnhancerTest {
    private static final String MODELS = """
            stories:
              engine: llamacpp
              path: %s
            """.formatted(TestModels.stories260K()) + JobsApiTest.TESTSRC;

    @TempDir
    Path dir;

    @Test
    void nativeJob_withEnhancePrompt_runsTheModelsRewrite_andRecordsBothPrompts() {
        try (TestHearth h = new TestHearth(dir, "prompt_enhancer: stories\n", MODELS)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"Once upon a time\",\"enhance_prompt\":true}")
                    .path("id").asText();

            JsonNode done = jobs.awaitState(id, "succeeded", Duration.ofSeconds(120));

            assertThat(done.path("original_prompt").asText()).isEqualTo("Once upon a time");
            assertThat(done.path("prompt").asText()).isNotBlank().isNotEqualTo("Once upon a time");
        }
    }

    @Test
    void lightX2vTask_withUsePromptEnhancer_isEnhancedToo() {
        try (TestHearth h = new TestHearth(dir, "prompt_enhancer: stories\n", MODELS)) {
            HttpResponse<String> created = h.post("/v1/tasks/", """
                    {"model": "testsrc", "prompt": "Once upon a time", "use_prompt_enhancer": true}""");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String id = Jobs.json(created.body()).path("task_id").asText();

            JsonNode done = new Jobs(h.hearth.baseUri()).awaitState(id, "succeeded", Duration.ofSeconds(120));

            assertThat(done.path("original_prompt").asText()).isEqualTo("Once upon a time");
            assertThat(done.path("prompt").asText()).isNotBlank().isNotEqualTo("Once upon a time");
        }
    }

    @Test
    void enhancement_withoutAConfiguredEnhancer_is400_namingEachDialectsField() {
        try (TestHearth h = new TestHearth(dir, "", JobsApiTest.TESTSRC)) {
            HttpResponse<String> nativeJob = new Jobs(h.hearth.baseUri())
                    .post("{\"model\":\"testsrc\",\"prompt\":\"a cat\",\"enhance_prompt\":true}");
            HttpResponse<String> task = h.post("/v1/tasks/",
                    "{\"model\":\"testsrc\",\"prompt\":\"a cat\",\"use_prompt_enhancer\":true}");

            assertThat(nativeJob.statusCode()).as(nativeJob.body()).isEqualTo(400);
            assertThat(nativeJob.body()).contains("enhance_prompt").contains("prompt_enhancer");
            assertThat(task.statusCode()).as(task.body()).isEqualTo(400);
            assertThat(task.body()).contains("use_prompt_enhancer");
        }
    }

    @Test
    void anEnhancerThatCannotLoad_failsTheJob_asEnhancerFailed_withTheReason() {
        try (TestHearth h = new TestHearth(dir, "prompt_enhancer: broken\n", """
                broken:
                  task: chat
                  engine: process
                  cmd: 'echo "enhancer: no such weights" >&2; exit 3 # ${PORT}'
                  memory: 1MiB
                """ + JobsApiTest.TESTSRC)) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"a cat\",\"enhance_prompt\":true}")
                    .path("id").asText();

            JsonNode failed = jobs.awaitState(id, "failed", Duration.ofSeconds(60));

            assertThat(failed.path("error").path("code").asText()).isEqualTo("enhancer_failed");
            // the enhancer's log lines are for admins (item 11): the job's error points to them
            assertThat(failed.path("error").path("message").asText()).contains("broken")
                    .contains("exited with code 3").contains("/api/models/broken/logs")
                    .doesNotContain("no such weights");
            assertThat(h.get("/api/models/broken/logs").body()).contains("no such weights");
        }
    }
}
