package dev.hearth.api.jobs;

import dev.hearth.Json;
import dev.hearth.gateway.ClientText;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobOutput;
import dev.hearth.jobs.JobService;

import java.time.Instant;

/** A job as the native API shows it: Hearth's own state names and parameter names. */
public final class JobJson {
    private JobJson() {}

    static String outputUrl(String id, String name) {
        return "/v1/jobs/" + id + "/outputs/" + name;
    }

    /** @param withOwner show {@code owner} (the API key's name that made it): admins only */
    public static ObjectNode of(Job j, JobService.Position pos, boolean withOwner) {
        ObjectNode o = Json.object();
        o.put("id", j.id());
        o.put("object", "job");
        o.put("model", j.model());
        o.put("task", j.task());
        o.put("dialect", j.dialect().wire());
        if (withOwner) putText(o, "owner", j.owner());
        o.put("state", j.state().wire());
        o.put("progress", j.progress().fraction());
        putText(o, "stage", j.progress().stage());
        o.put("step", j.progress().step());
        o.put("steps", j.progress().steps());
        if (pos != null && pos.queuePosition().isPresent()) o.put("queue_position", pos.queuePosition().getAsInt());
        else o.putNull("queue_position");
        if (pos != null && pos.etaSeconds().isPresent()) o.put("eta_seconds", pos.etaSeconds().getAsLong());
        else o.putNull("eta_seconds");
        o.put("priority", j.priority());
        o.put("attempts", j.attempts().count());
        o.put("max_attempts", j.attempts().max());
        putText(o, "prompt", j.prompt());
        putText(o, "original_prompt", j.originalPrompt() != null ? j.originalPrompt() : j.prompt());
        o.set("params", j.params().json());
        ArrayNode inputs = o.putArray("inputs");
        j.inputs().keySet().forEach(inputs::add);
        ArrayNode outputs = o.putArray("outputs");
        for (JobOutput out : j.outputs()) {
            ObjectNode x = outputs.addObject();
            x.put("name", out.name());
            x.put("url", outputUrl(j.id(), out.name()));
            x.put("content_type", out.contentType());
            x.put("size", out.size());
            x.put("sha256", out.sha256());
        }
        if (j.failure().none()) {
            o.putNull("error");
        } else {
            ObjectNode e = o.putObject("error");
            putText(e, "code", j.failure().code());
            putText(e, "message", ClientText.of(j.failure().message(), j.model()));
        }
        putTime(o, "created_at", j.times().created());
        putTime(o, "started_at", j.times().started());
        putTime(o, "finished_at", j.times().finished());
        putTime(o, "updated_at", j.times().updated());
        return o;
    }

    private static void putText(ObjectNode o, String k, String v) {
        if (v == null) o.putNull(k);
        else o.put(k, v);
    }

    private static void putTime(ObjectNode o, String k, Instant t) {
        if (t == null) o.putNull(k);
        else o.put(k, t.toString());
    }
}
