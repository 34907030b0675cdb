package dev.hearth.jobs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.Blob;
import dev.hearth.Principal;
import dev.hearth.jobs.store.JobQuery;
import dev.hearth.media.Multipart;
import dev.hearth.observe.EventBus;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The one job core every API dialect (native /v1/jobs, LightX2V /v1/tasks, VideosDGX /generate,
 * OpenAI /v1/videos) talks to. Dialects only translate field names and states; validation, model
 * defaults, inputs, queueing, ETA, cancellation and outputs happen here, once.
 * Errors are {@link dev.hearth.HearthException}s: 400 naming the field, 404, 409, 413, 429.
 * Routes call it through {@link #as}, the view of one caller: there, and only there, a job made by
 * another API key is absent.
 */
public interface JobService {

    /**
     * The jobs as {@code caller} may see them, the one place visibility is decided: an admin sees
     * every job; a {@code user} key sees, lists, cancels and downloads only the jobs it made
     * (another's is 404, as if it did not exist) and may not ask for a priority above
     * {@code server.max_user_priority} (403). Jobs submitted through the view belong to the caller.
     */
    JobService as(Principal caller);

    /**
     * A job request after dialect mapping, in Hearth's own parameter names: {@code prompt},
     * {@code negative_prompt}, {@code size} ("WxH"), {@code fps}, {@code seconds}, {@code steps},
     * {@code guidance_scale}, {@code seed}. The model's configured {@code defaults} fill what is absent.
     *
     * @param model         a model name or alias (404 when unknown, 400 when not a job model)
     * @param task          t2v, i2v…; null = i2v when an image input is given, else t2v
     * @param inputs        input name (e.g. "image") → where to get it
     * @param enhancePrompt rewrite the prompt with the configured enhancer model first
     * @param paramName     how this dialect names each canonical parameter, for 400 messages
     *                      (e.g. "size" → "resolution" for VideosDGX); absent = same name
     * @param owner         the API key's name the job belongs to; set by {@link #as}, null without keys
     */
    record Submission(String model, String task, Dialect dialect, ObjectNode params, Map<String, InputSource> inputs,
                      int priority, boolean enhancePrompt, Map<String, String> paramName, String owner) {
        public Submission(String model, String task, Dialect dialect, ObjectNode params,
                          Map<String, InputSource> inputs, int priority, boolean enhancePrompt,
                          Map<String, String> paramName) {
            this(model, task, dialect, params, inputs, priority, enhancePrompt, paramName, null);
        }

        public Submission ownedBy(String name) {
            return new Submission(model, task, dialect, params, inputs, priority, enhancePrompt, paramName, name);
        }
    }

    /** Where an input comes from. */
    sealed interface InputSource {
        /** A URL, a data URI, bare base64 or an allow-listed local path; {@code field} names it in errors. */
        record Reference(String field, String value) implements InputSource {}

        /** A multipart file already streamed to disk by the route. */
        record Upload(Multipart.Upload upload) implements InputSource {}
    }

    /** Validates, stores inputs, queues. Returns the queued job. */
    Job submit(Submission submission);

    /** Whether this node has an entry (or alias) for {@code model}: one it can check and run jobs for. */
    boolean serves(String model);

    /** @throws JobNotFoundException 404 */
    Job get(String id);

    List<Job> list(JobQuery query);

    /** 1-based place among the model's queued jobs, and the estimated seconds until it finishes. */
    record Position(OptionalInt queuePosition, OptionalLong etaSeconds) {}

    Position position(String id);

    /**
     * The answer to a submission, the same in every dialect: the just-accepted job's place in its
     * queue. A job the dispatcher claimed (or even finished) before this was asked was first in
     * line, so its place is 1 rather than null: the answer does not depend on that race.
     */
    Position accepted(Job job);

    /**
     * Cancels: a queued job at once, a running one by telling its worker (state cancelling, then
     * cancelled). Cancelling a finished job changes nothing and returns it as it is.
     */
    Job cancel(String id);

    /** Cancels every running (and cancelling) job, of one model or of all when null; returns them. */
    List<Job> cancelRunning(String modelOrNull);

    /** Counts and ids for queue-status routes; model null = all models. */
    record QueueStatus(int queued, int running, List<String> queuedIds, List<String> runningIds) {}

    QueueStatus queue(String modelOrNull);

    /** The stored file of a finished job's output ("video.mp4", "thumbnail.jpg"); 404 when absent. */
    Blob output(String id, String name);

    /** Calls {@code onChange} with the job after every change (state, progress) until closed. */
    EventBus.Subscription subscribe(String id, Consumer<Job> onChange);

    /** Calls {@code onChange} after every change of every job this caller may see, until closed. */
    EventBus.Subscription subscribeAll(Consumer<Job> onChange);

    /** Cancels it if needed, then removes the job, its inputs and outputs. */
    void delete(String id);
}
