package dev.hearth.api.videosdgx;

import dev.hearth.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The route bodies' field names, order, explicit nulls and number forms (GiB as floats). */
class VideosDgxDtosTest {
    private static String wire(Object dto) {
        return new String(Json.bytes(dto));
    }

    @Test
    void info_writesGibAsFloats_andAbsentTimesAsNull() {
        var info = new VideosDgxDtos.Info("m", true, "ready", "worker", 32.0, Map.of("fps", 16), null, null,
                new VideosDgxDtos.QueueCounts(1, 2, 3), new VideosDgxDtos.Memory(1.5, 2.0, 3.25));

        assertThat(wire(info)).isEqualTo("{\"model_name\":\"m\",\"model_loaded\":true,\"state\":\"ready\","
                + "\"engine\":\"worker\",\"memory_gb\":32.0,\"defaults\":{\"fps\":16},\"loaded_at\":null,"
                + "\"last_error\":null,\"queue\":{\"queued\":1,\"processing\":2,\"max_queue\":3},"
                + "\"memory\":{\"budget_gb\":1.5,\"used_gb\":2.0,\"free_gb\":3.25}}");
    }

    @Test
    void metricsAndQueue_nameStatesAsVideosDgxDid() {
        var metrics = new VideosDgxDtos.Metrics("m", false, new VideosDgxDtos.JobCounts(1, 2, 3, 4, 5, 6, 7), 0,
                null, null);
        var queue = new VideosDgxDtos.Queue("m", 1, true, null, 4, List.of("a"), List.of());

        assertThat(wire(metrics)).isEqualTo("{\"model_name\":\"m\",\"model_loaded\":false,\"jobs\":{\"total\":1,"
                + "\"queued\":2,\"processing\":3,\"cancelling\":4,\"completed\":5,\"failed\":6,\"cancelled\":7},"
                + "\"completed_sampled\":0,\"average_generation_time_seconds\":null,"
                + "\"last_generation_time_seconds\":null}");
        assertThat(wire(queue)).isEqualTo("{\"model_name\":\"m\",\"queue_size\":1,\"processing\":true,"
                + "\"current_job\":null,\"max_queue\":4,\"queued_jobs\":[\"a\"],\"processing_jobs\":[]}");
    }
}
