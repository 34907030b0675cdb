package dev.hearth.api.lightx2v;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * LightX2V's response bodies (lightx2v/server/schema.py, task_manager.py), field for field and in
 * its order. Absent values are explicit nulls, as FastAPI wrote them.
 */
final class LightX2vDtos {
    private LightX2vDtos() {}

    /** POST /v1/tasks/: TaskResponse. */
    @JsonNaming(SnakeCaseStrategy.class)
    record TaskResponse(String taskId, String taskStatus, String saveResultPath) {}

    /** GET /v1/tasks/{id}/status, and each value of GET /v1/tasks/. */
    @JsonNaming(SnakeCaseStrategy.class)
    record TaskStatus(String taskId, String status, String startTime, String endTime, String error,
                      String saveResultPath, int progress, Integer queuePosition, String model, String createdAt) {}

    /** DELETE /v1/tasks/{id}: StopTaskResponse. */
    @JsonNaming(SnakeCaseStrategy.class)
    record StopTaskResponse(String stopStatus, String reason) {}

    /** DELETE /v1/tasks/all/running: StopTaskResponse plus the ids it stopped. */
    @JsonNaming(SnakeCaseStrategy.class)
    record StopAllResponse(String stopStatus, String reason, List<String> cancelled) {}

    /** GET /v1/tasks/queue/status. */
    @JsonNaming(SnakeCaseStrategy.class)
    record QueueStatus(@JsonProperty("is_processing") boolean processing, String currentTask, int pendingCount,
                       int activeCount, int queueSize, int queueAvailable, List<String> pendingTasks,
                       List<String> runningTasks) {}

    /** GET /v1/service/status. */
    @JsonNaming(SnakeCaseStrategy.class)
    record ServiceStatus(String serviceStatus, String currentTask, List<String> activeTasks, int pendingTasks,
                         int queueSize, int totalTasks, int completedTasks, int failedTasks) {}
}
