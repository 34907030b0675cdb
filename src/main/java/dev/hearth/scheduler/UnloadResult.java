package dev.hearth.scheduler;

/** Answer of POST /api/models/{m}/unload. */
public record UnloadResult(String status, String model, long memoryFreedBytes) {
}
