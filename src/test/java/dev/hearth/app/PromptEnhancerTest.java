package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
    // regression (issue 7, "the enhancer nests leases"): the dispatcher held the video model's lease
    // while it asked for the chat model, so with exclusive: true every enhanced job failed after queue_timeout
    @Test
    void enhancedJob_withExclusive_enhancesFirst_thenUnloadsTheEnhancer_andRunsTheVideoModel() throws Exception {
        try (TestHearth h = new TestHearth(dir, "prompt_enhancer: stories\nexclusive: true\nqueue_timeout: 30s\n",
                MODELS)) {
            enhanced(h);

            assertThat(state(h, "stories")).isEqualTo("unloaded");
            // the job reads succeeded just before its model's lease is given back: busy for a moment, then ready
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(state(h, "testsrc")).isEqualTo("ready"));
            assertThat(h.get("/metrics").body())
                    .contains("hearth_model_loads_total{model=\"stories\",outcome=\"ok\"} 1.0")
                    .contains("hearth_model_unloads_total{model=\"stories\",reason=\"exclusive\"} 1.0");
        }
    }

    @Test
    void enhancedJob_inABudgetThatFitsOnlyOneOfTheTwoModels_succeeds() throws Exception {
        // stories260K counts about 65 MiB, testsrc 64 MiB: together they do not fit in 100 MiB
        try (TestHearth h = new TestHearth(dir, "prompt_enhancer: stories\nmemory_budget: 100MiB\nqueue_timeout: 30s\n",
                MODELS)) {
            enhanced(h);

            assertThat(state(h, "stories")).isEqualTo("unloaded");
            assertThat(h.get("/metrics").body())
                    .contains("hearth_model_unloads_total{model=\"stories\",reason=\"evicted\"} 1.0");
        }
    }

    @Test
    void aJobRequeuedAfterItsPromptWasEnhanced_isNotEnhancedAgain() throws Exception {
        Path script = dir.resolve("fake-crashing-worker.sh");
        java.nio.file.Files.writeString(script, "echo '{\"type\":\"ready\",\"protocol\":1,\"tasks\":[\"t2v\"]}'\n"
                + "read line\nexit 3\n");
        try (TestHearth h = new TestHearth(dir, "prompt_enhancer: stories\nexclusive: true\n", """
                stories:
                  engine: llamacpp
                  path: %s
                crashy:
                  engine: worker
                  cmd: sh %s
                  memory: 1MiB
                  max_attempts: 2
                """.formatted(TestModels.stories260K(), script))) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String id = jobs.submit("{\"model\":\"crashy\",\"prompt\":\"Once upon a time\",\"enhance_prompt\":true}")
                    .path("id").asText();

            JsonNode end = jobs.awaitState(id, "failed", Duration.ofSeconds(120));

            assertThat(end.path("error").path("code").asText()).isEqualTo("worker_crashed");
            assertThat(end.path("attempts").asInt()).isEqualTo(2);
            assertThat(end.path("original_prompt").asText()).isEqualTo("Once upon a time");
            assertThat(end.path("prompt").asText()).isNotEqualTo("Once upon a time");
            // the second attempt went straight to the video model: the enhancer was loaded once
            assertThat(h.get("/metrics").body())
                    .contains("hearth_model_loads_total{model=\"stories\",outcome=\"ok\"} 1.0");
        }
    }

    @Test
    void aCancel_whileTheEnhancedJobWaitsForItsVideoModel_cancelsIt_withoutWaitingForQueueTimeout() {
        // 140 MiB: the busy blocker (64) and stories (65) fit together; the 80 MiB video model waits beside the blocker
        try (TestHearth h = new TestHearth(dir, "prompt_enhancer: stories\nmemory_budget: 140MiB\n"
                + "queue_timeout: 10m\njob_lease: 2s\n", """
                stories:
                  engine: llamacpp
                  path: %s
                video:
                  engine: testsrc
                  memory: 80MiB
                blocker:
                  engine: testsrc
                """.formatted(TestModels.stories260K()))) {
            Jobs jobs = new Jobs(h.hearth.baseUri());
            String held = jobs.submit("{\"model\":\"blocker\",\"prompt\":\"busy\"," + JobsApiTest.HELD + "}")
                    .path("id").asText();
            jobs.awaitState(held, "running", Duration.ofSeconds(60));
            String id = jobs.submit("{\"model\":\"video\",\"prompt\":\"Once upon a time\",\"enhance_prompt\":true}")
                    .path("id").asText();
            JsonNode waiting = jobs.await(id, Duration.ofSeconds(120), j -> j.path("stage").asText().equals("load")
                    || Jobs.terminal(j));
            assertThat(waiting.path("state").asText()).as("job %s", waiting).isEqualTo("running");
            assertThat(waiting.path("prompt").asText()).isNotEqualTo("Once upon a time");

            jobs.cancel(id);

            JsonNode end = jobs.awaitState(id, "cancelled", Duration.ofSeconds(30));
            assertThat(end.path("prompt").asText()).isEqualTo(waiting.path("prompt").asText());
            assertThat(state(h, "video")).isEqualTo("unloaded");
            Jobs.release(dir.resolve("data"), held);
            jobs.awaitState(held, "succeeded", Duration.ofSeconds(60));
        }
    }

    private static JsonNode enhanced(TestHearth h) {
        Jobs jobs = new Jobs(h.hearth.baseUri());
        String id = jobs.submit("{\"model\":\"testsrc\",\"prompt\":\"Once upon a time\",\"enhance_prompt\":true}")
                .path("id").asText();
        JsonNode done = jobs.awaitState(id, "succeeded", Duration.ofSeconds(120));
        assertThat(done.path("original_prompt").asText()).isEqualTo("Once upon a time");
        assertThat(done.path("prompt").asText()).isNotBlank().isNotEqualTo("Once upon a time");
        return done;
    }

    private static String state(TestHearth h, String model) {
        return Jobs.json(h.get("/api/models/" + model).body()).path("state").asText();
    }
}
