package dev.hearth.api;

import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobOutput;
import dev.hearth.jobs.JobState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Jobs in a given state, built as the store would hand them to a dialect. */
public final class TestJobs {
    public static final Instant CREATED = Instant.parse("2026-02-15T10:30:00.250Z");
    public static final Instant STARTED = Instant.parse("2026-02-15T10:30:05Z");
    public static final Instant FINISHED = Instant.parse("2026-02-15T10:31:05Z");

    private TestJobs() {}

    /** A response record as the client reads it: serialised by the gateway's mapper, parsed back. */
    public static com.fasterxml.jackson.databind.node.ObjectNode json(Object response) {
        return dev.hearth.Json.parseObject(dev.hearth.Json.bytes(response));
    }

    public static Job job(JobState state, double progress, String params) {
        return job("j_abc", state, progress, params, null, null);
    }

    public static Job job(String id, JobState state, double progress, String params, String errorCode, String errorMessage) {
        boolean started = state != JobState.QUEUED;
        boolean finished = state.terminal();
        List<JobOutput> outputs = state == JobState.SUCCEEDED
                ? List.of(new JobOutput("video.mp4", "/data/outputs/" + id + "/video.mp4", "video/mp4", 1234, "ab"),
                          new JobOutput("thumbnail.jpg", "/data/outputs/" + id + "/thumbnail.jpg", "image/jpeg", 99, "cd"))
                : List.of();
        return new Job(id, "wan", "t2v", Dialect.NATIVE, dev.hearth.jobs.Params.parse(params), Map.of(), 0, state,
                new Job.Attempts(0, 3), new Job.Progress(progress, null, 0, 0),
                new Job.Failure(errorCode, errorMessage),
                new Job.Times(CREATED, started ? STARTED : null, finished ? FINISHED : null, CREATED),
                Job.Lease.NONE, 1, "a cat", null, outputs, null);
    }
}
