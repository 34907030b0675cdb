package dev.hearth.engine.worker;

import dev.hearth.config.JobLimits;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The wire format of DESIGN.md's worker protocol. */
class WorkerMessagesTest {

    @Test
    void write_usesDesignFieldNames_whenSendingRunAndShutdown() throws Exception {
        var params = WorkerMessages.JSON.createObjectNode().put("seed", 7);
        assertThat(WorkerMessages.write(new WorkerMessages.Run("j_1", "i2v", params, Map.of("image", "/in.png"), "/out")))
                .isEqualTo("{\"type\":\"run\",\"job\":\"j_1\",\"task\":\"i2v\",\"params\":{\"seed\":7},"
                        + "\"inputs\":{\"image\":\"/in.png\"},\"output_dir\":\"/out\"}");
        assertThat(WorkerMessages.write(new WorkerMessages.Shutdown())).isEqualTo("{\"type\":\"shutdown\"}");
        assertThat(WorkerMessages.parseToWorker("{\"type\":\"cancel\",\"job\":\"j_1\"}"))
                .isEqualTo(new WorkerMessages.Cancel("j_1"));
    }

    @Test
    void parseFromWorker_readsEveryType_andToleratesNewFields() throws Exception {
        assertThat(WorkerMessages.parseFromWorker("{\"type\":\"ready\",\"protocol\":1,\"tasks\":[\"t2v\"],\"gpu\":\"H100\"}"))
                .isEqualTo(new WorkerMessages.Ready(1, List.of("t2v")));
        assertThat(WorkerMessages.parseFromWorker(
                "{\"type\":\"progress\",\"job\":\"j\",\"progress\":0.42,\"stage\":\"denoise\",\"step\":13,\"steps\":30}"))
                .isEqualTo(new WorkerMessages.Progress("j", 0.42, "denoise", 13, 30));
        assertThat(WorkerMessages.parseFromWorker(
                "{\"type\":\"output\",\"job\":\"j\",\"path\":\"/o/video.mp4\",\"content_type\":\"video/mp4\"}"))
                .isEqualTo(new WorkerMessages.Output("j", "/o/video.mp4", "video/mp4"));
        assertThat(WorkerMessages.parseFromWorker("{\"type\":\"error\",\"job\":\"j\",\"code\":\"oom\",\"message\":\"m\"}"))
                .isEqualTo(new WorkerMessages.Error("j", "oom", "m"));
        assertThat(WorkerMessages.parseFromWorker("{\"type\":\"telemetry\"}")).isInstanceOf(WorkerMessages.Unknown.class);
    }

    @Test
    void ready_carriesOptionalLimits_withItsTasks_andAnOlderReadyMeansNoLimits() throws Exception {
        var withLimits = (WorkerMessages.Ready) WorkerMessages.parseFromWorker("{\"type\":\"ready\",\"protocol\":1,"
                + "\"tasks\":[\"t2v\"],\"limits\":{\"size_multiple\":32,\"max_steps\":50,\"max_seed\":9223372036854775807,"
                + "\"some_future_limit\":3}}");
        var older = (WorkerMessages.Ready) WorkerMessages.parseFromWorker("{\"type\":\"ready\",\"protocol\":1,\"tasks\":[\"t2v\"]}");

        JobLimits l = withLimits.jobLimits();
        assertThat(l.tasks()).containsExactly("t2v");
        assertThat(l.sizeMultiple()).isEqualTo(32);
        assertThat(l.maxSteps()).isEqualTo(50);
        assertThat(l.maxSeed()).isEqualTo(Long.MAX_VALUE);
        assertThat(older.jobLimits()).isEqualTo(JobLimits.NONE);
        assertThat(WorkerMessages.write(new WorkerMessages.Ready(1, List.of("t2v"))))
                .isEqualTo("{\"type\":\"ready\",\"protocol\":1,\"tasks\":[\"t2v\"]}");
    }

    @Test
    void parseFromWorker_throwsMalformedLine_whenLineIsNotAMessage() {
        assertThatThrownBy(() -> WorkerMessages.parseFromWorker("Loading checkpoint shards: 50%"))
                .isInstanceOf(WorkerMessages.MalformedLine.class);
        assertThatThrownBy(() -> WorkerMessages.parseFromWorker("[1,2]")).isInstanceOf(WorkerMessages.MalformedLine.class);
        assertThatThrownBy(() -> WorkerMessages.parseFromWorker("{\"type\":\"progress\",\"step\":\"many\"}"))
                .isInstanceOf(WorkerMessages.MalformedLine.class);
    }
}
