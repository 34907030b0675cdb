package dev.hearth.jobs;

import dev.hearth.ForbiddenException;
import dev.hearth.Principal;
import dev.hearth.jobs.store.JobQuery;
import dev.hearth.observe.EventBus;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The jobs as one caller may see them ({@link JobService#as}): every dialect's routes go through
 * this view, so who sees, cancels and downloads which job is decided here once. A job the caller
 * may not see is answered exactly as one that does not exist (404), so ids of other keys' jobs
 * reveal nothing. Submitted jobs belong to the caller.
 */
final class OwnedJobs implements JobService {
    private final JobCore core;
    private final Principal caller;
    private final int maxUserPriority;

    OwnedJobs(JobCore core, Principal caller, int maxUserPriority) {
        this.core = core;
        this.caller = caller;
        this.maxUserPriority = maxUserPriority;
    }

    @Override
    public JobService as(Principal other) {
        return core.as(other);
    }

    @Override
    public boolean serves(String model) { return core.serves(model); }

    @Override
    public Job submit(Submission s) {
        if (!caller.admin() && s.priority() > maxUserPriority) {
            String field = s.paramName() == null ? "priority" : s.paramName().getOrDefault("priority", "priority");
            throw new ForbiddenException("'" + field + "' " + s.priority() + " is above " + maxUserPriority
                    + ", the highest a key with role user may ask for (server.max_user_priority).", field);
        }
        return core.submit(s.ownedBy(caller.owner()));
    }

    /** The job, or 404 when it does not exist or belongs to another key. */
    @Override
    public Job get(String id) {
        Job j = core.get(id);
        if (!caller.sees(j.owner())) throw new JobNotFoundException(id);
        return j;
    }

    @Override
    public List<Job> list(JobQuery query) {
        return core.list(caller.admin() ? query : query.ownedBy(caller.owner()));
    }

    @Override
    public Position position(String id) {
        get(id);
        return core.position(id);
    }

    @Override
    public Position accepted(Job job) {
        get(job.id());
        return core.accepted(job);
    }

    @Override
    public Job cancel(String id) {
        get(id);
        return core.cancel(id);
    }

    @Override
    public List<Job> cancelRunning(String modelOrNull) {
        return core.cancelRunning(modelOrNull, caller.admin() ? null : caller.owner());
    }

    /** Counts are the whole queue's (how long the wait is); the ids are only the caller's own jobs. */
    @Override
    public QueueStatus queue(String modelOrNull) {
        QueueStatus q = core.queue(modelOrNull);
        if (caller.admin()) return q;
        Set<String> mine = new HashSet<>();
        core.list(JobQuery.newest(JobQuery.MAX_LIMIT).ownedBy(caller.owner())
                .states(Set.of(JobState.QUEUED, JobState.RUNNING, JobState.CANCELLING))).forEach(j -> mine.add(j.id()));
        return new QueueStatus(q.queued(), q.running(), q.queuedIds().stream().filter(mine::contains).toList(),
                q.runningIds().stream().filter(mine::contains).toList());
    }

    @Override
    public dev.hearth.Blob output(String id, String name) {
        get(id);
        return core.output(id, name);
    }

    @Override
    public EventBus.Subscription subscribe(String id, Consumer<Job> onChange) {
        get(id);
        return core.subscribe(id, onChange);
    }

    /** Other keys' jobs are filtered out on the publisher's thread: a cheap check of the owner. */
    @Override
    public EventBus.Subscription subscribeAll(Consumer<Job> onChange) {
        return caller.admin() ? core.subscribeAll(onChange) : core.subscribeAll(j -> {
            if (caller.sees(j.owner())) onChange.accept(j);
        });
    }

    @Override
    public void delete(String id) {
        get(id);
        core.delete(id);
    }
}
