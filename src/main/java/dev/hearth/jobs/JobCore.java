package dev.hearth.jobs;

import dev.hearth.QueueFullException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.Task;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.BadRequestException;
import dev.hearth.Blob;
import dev.hearth.Json;
import dev.hearth.Principal;
import dev.hearth.jobs.store.JobQuery;
import dev.hearth.jobs.store.JobStore;
import dev.hearth.media.AudioInputs;
import dev.hearth.media.Inputs;
import dev.hearth.media.BlobStore;
import dev.hearth.media.Outputs;
import dev.hearth.media.Retention;
import dev.hearth.observe.EventBus;
import dev.hearth.scheduler.ModelScheduler;
import dev.hearth.scheduler.UnknownModelException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The job service: validation and inputs on submit, one {@link Dispatcher} per job model, the
 * orphan reaper and retention on a timer. Started by {@link #start}; {@link #stopClaiming} before
 * the scheduler closes (so the jobs it interrupts are queued again), {@link #close} after.
 */
public final class JobCore implements JobService, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("hearth.jobs");
    /** Catches work queued by another node sharing the database; this node's submits wake at once. */
    static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration RETENTION_EVERY = Duration.ofMinutes(10);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final HearthConfig config;
    private final Catalog catalog;
    private final BlobStore blobs;
    private final JobContext ctx;
    private final JobTransitions transitions;
    private final Map<String, Dispatcher> dispatchers = new LinkedHashMap<>();
    private final JobInputs files;
    private volatile Peers peers = Peers.NONE;
    private volatile EventBus.Subscription queuedElsewhere;

    /** @param events the bus its job changes are published on ({@link Job#TOPIC}) */
    public JobCore(HearthConfig config, Catalog catalog, ModelScheduler models, JobStore store, Inputs inputs,
                   Outputs outputs, BlobStore blobs, EventBus events, Clock clock) {
        this.config = config;
        this.catalog = catalog;
        this.files = new JobInputs(inputs, new AudioInputs(inputs, config.media().maxAudioBytes()), blobs);
        this.blobs = blobs; // where inputs and outputs live
        Map<String, Double> priors = new HashMap<>();
        config.models().values().forEach(m -> priors.put(m.name(), m.jobs().secondsPerUnit()));
        ScheduledExecutorService timer = Executors.newScheduledThreadPool(2,
                Thread.ofPlatform().daemon().name("hearth-jobs-timer-", 0).factory());
        this.ctx = new JobContext(store, models, outputs, blobs, new JobEvents(events), new Eta(priors), clock,
                config.server().jobLease(), config.server().jobTimeout(), timer, null, null);
        this.transitions = new JobTransitions(ctx);
        PromptEnhancer enhancer = new PromptEnhancer(models);
        for (ModelSpec m : config.models().values()) {
            if (m.acceptsJobs()) dispatchers.put(m.name(), new Dispatcher(m, ctx, POLL, () -> peers,
                    new PromptStep(transitions, enhancer, catalog.enhancerOf(m), config.server().enhancerInstructions())));
        }
    }


    /**
     * The other nodes on this database: before {@link #start}, a node among several says who its
     * peers are, so a model loaded on another node runs its queued jobs there first.
     */
    public JobCore peers(Peers others) {
        this.peers = others;
        return this;
    }

    /** Requeues what a dead process left running, then starts the dispatchers, reaper and retention. */
    public JobCore start() {
        reap();
        dispatchers.values().forEach(Dispatcher::start);
        // a job queued on another node (a submit, a requeue) wakes the dispatcher here at once, not at its next poll
        queuedElsewhere = ctx.events().subscribe(null, j -> {
            Dispatcher d = j.state() == JobState.QUEUED ? dispatchers.get(j.model()) : null;
            if (d != null) d.wake();
        });
        Duration every = ctx.lease().dividedBy(2);
        ctx.timer().scheduleAtFixedRate(this::reap, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        Duration keep = config.server().retention();
        boolean byAge = keep != null && !keep.isZero();
        if (byAge || config.server().retentionMaxBytes() > 0) {
            // often enough that a short retention is honoured closely, never more than every 10 minutes apart
            long sweep = byAge ? Math.max(100, Math.min(RETENTION_EVERY.toMillis(), keep.toMillis() / 2))
                    : RETENTION_EVERY.toMillis();
            ctx.timer().scheduleAtFixedRate(this::retain, 0, sweep, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void reap() {
        try {
            for (Job j : transitions.reap()) {
                LOG.log(Level.INFO, "job " + j.id() + " of " + j.model() + ": lease expired → " + j.state()
                        + " (attempt " + j.attempts().count() + " of " + j.attempts().max() + ")");
                Dispatcher d = dispatchers.get(j.model());
                if (d != null) d.wake();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "orphan reaper: " + e);
        }
    }

    /**
     * Deletes finished jobs older than {@code retention}, then the oldest of the rest until their
     * files fit {@code retention_max_bytes} ({@link Retention#decide}); the rows first, then the files.
     */
    private void retain() {
        Duration keep = config.server().retention();
        long cap = config.server().retentionMaxBytes();
        try {
            if (cap <= 0) {
                if (keep == null || keep.isZero()) return;
                for (String id : ctx.store().deleteFinishedBefore(ctx.now().minus(keep))) blobs.remove(id);
                return;
            }
            List<Retention.FinishedJob> finished = new ArrayList<>();
            Map<String, Instant> ended = ctx.store().finishedJobs();
            Map<String, Long> sizes = blobs.bytes(ended.keySet());
            for (Map.Entry<String, Instant> e : ended.entrySet()) {
                finished.add(new Retention.FinishedJob(e.getKey(), e.getValue(), sizes.getOrDefault(e.getKey(), 0L)));
            }
            for (String id : Retention.decide(finished, ctx.now(), keep, cap)) {
                ctx.store().delete(id);
                blobs.remove(id);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "retention: " + e);
        }
    }

    // ---- JobService --------------------------------------------------------------------------

    @Override
    public JobService as(Principal caller) {
        return new OwnedJobs(this, caller, config.server().maxUserPriority());
    }

    @Override
    public Job submit(Submission s) {
        ModelSpec spec = catalog.resolve(s.model()).orElseThrow(() -> new UnknownModelException(s.model()));
        Map<String, String> names = s.paramName() == null ? Map.of() : s.paramName();
        if (!spec.acceptsJobs()) {
            String field = names.getOrDefault("model", "model");
            throw new BadRequestException("Model '" + spec.name() + "' is a " + spec.task().wire() + " model; jobs run"
                    + " on video models (engine worker, testsrc or lightx2v) and transcription models.", field);
        }
        boolean transcription = spec.task() == Task.TRANSCRIPTION;
        ObjectNode params = JobParams.merge(spec.defaults(), s.params(), names);
        String prompt = !transcription && params.has("prompt") ? params.get("prompt").asText() : null;
        if (!transcription) params.remove("prompt");
        Map<String, InputSource> given = s.inputs() == null ? Map.of() : s.inputs();
        String task = s.task() != null && !s.task().isBlank() ? s.task()
                : transcription ? "transcribe" : given.containsKey("image") ? "i2v" : "t2v";
        List<String> served = JobInputs.tasks(spec);
        if (!served.contains(task)) {
            String field = names.getOrDefault("task", "task");
            String shown = task.length() > 40 ? task.substring(0, 40) + "…" : task;
            throw new BadRequestException("'" + field + "' must be one of " + String.join(", ", served) + " for model '"
                    + spec.name() + "', got '" + shown + "'.", field);
        }
        // the worker's own rules, declared under limits: — refused here, before any model loads
        spec.jobs().limits().check(task, Json.MAPPER.convertValue(params, MAP)).ifPresent(v -> {
            throw JobParams.bad(names, v.field(), v.message());
        });
        if (task.equals("t2v") && (prompt == null || prompt.isBlank())) {
            throw JobParams.bad(names, "prompt", "is required for text-to-video and must not be empty");
        }
        if (task.equals("i2v") && !given.containsKey("image")) {
            throw JobParams.bad(names, "image", "is required for image-to-video");
        }
        if (transcription) {
            TranscribeParams.of(task, params);
            if (!spec.runsJobs()) TranscribeParams.refuseUnknown(params, spec.name());
            if (!given.containsKey("audio")) {
                throw new BadRequestException("audio: required: the recording to transcribe, as the multipart part"
                        + " 'file' (or 'audio'), or as \"audio\": a data:audio/…;base64 URI or an allowed path.", "audio");
            }
        }
        boolean enhance = s.enhancePrompt() && prompt != null && !prompt.isBlank();
        if (enhance && catalog.enhancerOf(spec) == null) {
            throw new BadRequestException("No prompt enhancer is configured for model '" + spec.name() + "': set"
                    + " server.prompt_enhancer to a chat model in hearth.yaml, or leave "
                    + names.getOrDefault("enhance_prompt", "enhance_prompt") + " false.",
                    names.getOrDefault("enhance_prompt", "enhance_prompt"));
        }
        Job created = Job.create(spec.name(), task, s.dialect() == null ? Dialect.NATIVE : s.dialect(),
                params.toString(), Map.of(), s.priority(), spec.jobs().maxAttempts(), prompt, ctx.now())
                .withOwner(s.owner());
        // original = prompt marks "enhancement pending" (PromptEnhancer.pending); the dispatcher rewrites prompt
        Job job = enhance ? created.withEnhancedPrompt(prompt) : created;
        try {
            Map<String, String> stored = files.store(job.id(), given, transcription, params);
            Job inserted = ctx.store().insert(job.withParams(new Params(params)).withInputs(stored), spec.maxQueue());
            // before the wake, so "queued" is never published after "running"; every node's dispatcher for it wakes
            ctx.events().publish(inserted);
            dispatchers.get(spec.name()).wake();
            return inserted;
        } catch (QueueFullException full) {
            removeFiles(job.id());
            long wait = eta(spec.name(), JobParams.units(params)).orElse(QueueFullException.DEFAULT_JOB_RETRY_AFTER_SECONDS);
            throw QueueFullException.jobs(spec.name(), spec.maxQueue(), Math.max(1, wait));
        } catch (RuntimeException e) {
            removeFiles(job.id());
            throw e;
        }
    }

    /** Recordings for transcribe jobs, with their own cap (media.max_audio_bytes). */
    public AudioInputs audio() { return files.recordings(); }

    @Override
    public boolean serves(String model) {
        return catalog.resolve(model).isPresent();
    }

    @Override
    public Job get(String id) {
        return ctx.store().get(id).orElseThrow(() -> new JobNotFoundException(id));
    }

    @Override
    public List<Job> list(JobQuery query) { return ctx.store().list(query); }

    @Override
    public Position position(String id) {
        Job j = get(id);
        OptionalInt place = j.state() == JobState.QUEUED ? ctx.store().queuePosition(id) : OptionalInt.empty();
        double units = units(j);
        OptionalLong eta = switch (j.state()) {
            // ahead of it: the queued jobs before it, and (roughly) one job running now
            case QUEUED -> place.isEmpty() ? OptionalLong.empty() : eta(j.model(), units * (place.getAsInt()
                    + (running(j.model()) ? 1 : 0)));
            case RUNNING, CANCELLING -> eta(j.model(), units * (1 - j.progress().fraction()));
            default -> OptionalLong.empty();
        };
        return new Position(place, eta);
    }

    @Override
    public Position accepted(Job job) {
        Position now = position(job.id());
        if (now.queuePosition().isPresent() || job.state() != JobState.QUEUED) return now;
        return new Position(OptionalInt.of(1), eta(job.model(), units(job)));
    }

    private boolean running(String model) {
        return !ctx.store().list(new JobQuery(model, Set.of(JobState.RUNNING), null, null, 1, false)).isEmpty();
    }

    private OptionalLong eta(String model, double units) {
        OptionalDouble spu = ctx.eta().secondsPerUnit(model);
        return spu.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Math.round(Math.ceil(units * spu.getAsDouble())));
    }

    private static double units(Job j) {
        return j.params().units();
    }

    @Override
    public Job cancel(String id) {
        Job changed = transitions.change(id, j -> switch (j.state()) {
            case QUEUED -> new JobTransitions.Move(JobState.CANCELLED, null, "cancelled by request while queued");
            case RUNNING -> new JobTransitions.Move(JobState.CANCELLING, null, "cancel requested");
            default -> null; // cancelling already, or finished: nothing to change
        });
        if (changed == null) return get(id);
        JobContext.Running r = changed.state() == JobState.CANCELLING ? ctx.running().get(id) : null;
        if (r != null) {
            r.cancelRequested = true;
            r.engine.cancel(id);
        } // else another node runs it (or this one before its worker took it): its heartbeat sees the state
        return changed;
    }

    @Override
    public List<Job> cancelRunning(String modelOrNull) {
        return cancelRunning(modelOrNull, null);
    }

    /** @param owner only this API key's jobs; null = everyone's */
    List<Job> cancelRunning(String modelOrNull, String owner) {
        String model = modelOrNull == null ? null : resolve(modelOrNull);
        List<Job> out = new ArrayList<>();
        for (Job j : ctx.store().list(new JobQuery(model, Set.of(JobState.RUNNING, JobState.CANCELLING), null, null,
                JobQuery.MAX_LIMIT, false, owner))) {
            out.add(cancel(j.id()));
        }
        return out;
    }

    @Override
    public QueueStatus queue(String modelOrNull) {
        String model = modelOrNull == null ? null : resolve(modelOrNull);
        List<Job> queued = new ArrayList<>(ctx.store().list(new JobQuery(model, Set.of(JobState.QUEUED), null, null,
                JobQuery.MAX_LIMIT, false)));
        queued.sort(Comparator.comparingInt(Job::priority).reversed()); // stable: FIFO within a priority
        List<Job> running = ctx.store().list(new JobQuery(model, Set.of(JobState.RUNNING, JobState.CANCELLING), null,
                null, JobQuery.MAX_LIMIT, false));
        return new QueueStatus(queued.size(), running.size(), queued.stream().map(Job::id).toList(),
                running.stream().map(Job::id).toList());
    }

    private String resolve(String model) {
        return catalog.resolve(model).orElseThrow(() -> new UnknownModelException(model)).name();
    }

    @Override
    public Blob output(String id, String name) {
        Job j = get(id);
        return j.outputs().stream().filter(o -> o.name().equals(name)).findFirst().flatMap(o -> blobs.find(o.path()))
                .orElseThrow(() -> new OutputNotFoundException(id, name));
    }

    @Override
    public EventBus.Subscription subscribe(String id, Consumer<Job> onChange) {
        return ctx.events().subscribe(java.util.Objects.requireNonNull(id, "id"), onChange);
    }

    @Override
    public EventBus.Subscription subscribeAll(Consumer<Job> onChange) {
        return ctx.events().subscribe(null, onChange);
    }

    @Override
    public void delete(String id) {
        Job j = cancel(id);
        ctx.store().delete(j.id());
        removeFiles(j.id());
    }

    private void removeFiles(String id) {
        try {
            blobs.remove(id);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "removing files of job " + id + ": " + e);
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** Claims nothing more. Call before the scheduler stops the workers. */
    public void stopClaiming() {
        ctx.closing().set(true);
        dispatchers.values().forEach(Dispatcher::stopClaiming);
    }

    /** After the scheduler closed: waits for the dispatchers to record how their jobs ended, closes the store. */
    @Override
    public void close() {
        EventBus.Subscription sub = queuedElsewhere;
        if (sub != null) sub.close();
        stopClaiming();
        try {
            for (Dispatcher d : dispatchers.values()) d.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ctx.timer().shutdownNow();
        ctx.store().close();
        blobs.close();
    }
}
