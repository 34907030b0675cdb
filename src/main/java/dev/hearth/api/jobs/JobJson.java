package dev.hearth.api.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hearth.gateway.ClientText;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.JobService;

import java.time.Instant;
import java.util.List;

/** A job as the native API shows it: Hearth's own state names and parameter names. */
public final class JobJson {
    private JobJson() {}

    static String outputUrl(String id, String name) {
        return "/v1/jobs/" + id + "/outputs/" + name;
    }

    /** @param withOwner show {@code owner} (the API key's name that made it): admins only */
    public static JobView of(Job j, JobService.Position pos, boolean withOwner) {
        JsonNode owner = !withOwner ? null : j.owner() == null ? NullNode.getInstance() : TextNode.valueOf(j.owner());
        List<JobView.Output> outputs = j.outputs().stream().map(out -> new JobView.Output(out.name(),
                outputUrl(j.id(), out.name()), out.contentType(), out.size(), out.sha256())).toList();
        JobView.Error error = j.failure().none() ? null
                : new JobView.Error(j.failure().code(), ClientText.of(j.failure().message(), j.model()));
        Job.Progress progress = j.progress();
        return new JobView(j.id(), "job", j.model(), j.task(), j.dialect().wire(), owner, j.state().wire(),
                progress.fraction(), progress.stage(), progress.step(), progress.steps(),
                pos != null && pos.queuePosition().isPresent() ? pos.queuePosition().getAsInt() : null,
                pos != null && pos.etaSeconds().isPresent() ? pos.etaSeconds().getAsLong() : null,
                j.priority(), j.attempts().count(), j.attempts().max(), j.prompt(),
                j.originalPrompt() != null ? j.originalPrompt() : j.prompt(), j.params().json(),
                List.copyOf(j.inputs().keySet()), outputs, error, time(j.times().created()),
                time(j.times().started()), time(j.times().finished()), time(j.times().updated()),
                j.state() == JobState.RUNNING || j.state() == JobState.CANCELLING ? j.lease().owner() : null);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
