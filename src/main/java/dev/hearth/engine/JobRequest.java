package dev.hearth.engine;

import dev.hearth.engine.worker.WorkerMessages;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One job for a worker.
 *
 * @param job       the job's id; every message about it carries it
 * @param task      one of the tasks the worker announced (t2v, i2v, …)
 * @param params    the model's params, passed through as they are
 * @param inputs    named input files (e.g. {@code image}) as absolute paths
 * @param outputDir where the worker writes its outputs; exists before the job is sent
 */
public record JobRequest(String job, String task, ObjectNode params, Map<String, String> inputs, Path outputDir) {
    public JobRequest {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(task, "task");
        params = params == null ? WorkerMessages.JSON.createObjectNode() : params;
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        Objects.requireNonNull(outputDir, "outputDir");
    }
}
