package dev.hearth.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.BadRequestException;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobOutput;
import dev.hearth.scheduler.UnknownModelException;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/** What the dialects share when they show a job: its params, times, progress, outputs, model. */
public final class Views {
    public static final String VIDEO = "video.mp4";
    public static final String THUMBNAIL = "thumbnail.jpg";

    /** "2026-02-15T10:30:00+00:00": Python's isoformat() as the seed servers wrote it, with the zone. */
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'+00:00'")
            .withZone(ZoneOffset.UTC);

    private Views() {}

    /** The job's params after defaults. */
    public static ObjectNode params(Job job) {
        return job.params().json();
    }

    public static String iso(Instant t) {
        return t == null ? null : ISO.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    /** 0..1 progress as the 0–100 integer every dialect shows; 100 only once the job succeeded. */
    public static int percent(Job job) {
        if (job.state() == dev.hearth.jobs.JobState.SUCCEEDED) {
            return 100;
        }
        return (int) Math.max(0, Math.min(99, Math.floor(job.progress().fraction() * 100)));
    }

    /** How many jobs match, paging through the store (bounded by retention, so small). */
    public static int count(dev.hearth.jobs.JobService jobs, dev.hearth.jobs.store.JobQuery query) {
        int n = 0;
        dev.hearth.jobs.store.JobQuery page = query;
        while (true) {
            java.util.List<Job> got = jobs.list(page);
            n += got.size();
            if (got.size() < page.limit()) {
                return n;
            }
            page = page.after(got.getLast().id());
        }
    }

    public static Optional<JobOutput> output(Job job, String name) {
        return job.outputs().stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /**
     * The model a request names, or — when it names none — the first video model of the
     * configuration, so a client written for a one-model server (LightX2V, OpenAI's default) works
     * unchanged. The worker decides later whether it can run the task (t2v, i2v).
     */
    public static ModelSpec model(Catalog catalog, Optional<String> requested, String field) {
        if (requested.isPresent()) {
            String name = requested.get();
            return catalog.resolve(name).orElseThrow(() -> new UnknownModelException(name));
        }
        return catalog.byTask(Task.VIDEO).stream().findFirst().orElseThrow(() -> new BadRequestException(
                field + ": no video model is configured on this server; add one to hearth.yaml.", field));
    }
}
