package dev.hearth.api.lightx2v;

import dev.hearth.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The queue and service bodies as LightX2V's task_manager wrote them. */
class LightX2vDtosTest {
    private static String wire(Object dto) {
        return new String(Json.bytes(dto));
    }

    @Test
    void queueAndServiceStatus_keepLightX2vsNames() {
        var queue = new LightX2vDtos.QueueStatus(true, null, 1, 2, 3, 4, List.of("a"), List.of());
        var service = new LightX2vDtos.ServiceStatus("busy", "x", List.of("x"), 1, 2, 3, 4, 5);

        assertThat(wire(queue)).isEqualTo("{\"is_processing\":true,\"current_task\":null,\"pending_count\":1,"
                + "\"active_count\":2,\"queue_size\":3,\"queue_available\":4,\"pending_tasks\":[\"a\"],"
                + "\"running_tasks\":[]}");
        assertThat(wire(service)).isEqualTo("{\"service_status\":\"busy\",\"current_task\":\"x\","
                + "\"active_tasks\":[\"x\"],\"pending_tasks\":1,\"queue_size\":2,\"total_tasks\":3,"
                + "\"completed_tasks\":4,\"failed_tasks\":5}");
    }
}
