package dev.hearth.catalog;

import dev.hearth.config.JobSettings;
import dev.hearth.config.ProxyTimeouts;
import dev.hearth.config.Sharing;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One model as configured. Immutable; defaults are filled in by {@link ConfigLoader}, never here.
 *
 * @param name           the id clients use in "model"
 * @param task           chat, completion, embeddings, video…
 * @param engine         its engine kind (null only in an entry the loader refuses)
 * @param aliases        other names that resolve to this model
 * @param cmd            command line for process/worker engines; the engine fills in ${PORT}
 *                       (the loader has already put the entry's model: for ${MODEL} and the name for ${NAME})
 * @param env            extra environment for the child
 * @param cwd            working directory for the child, or null for Hearth's
 * @param health         health path polled for readiness (process, remote); default /health
 * @param url            base URL of a remote engine
 * @param path           model file (llamacpp: the .gguf)
 * @param memoryBytes    what the loaded model takes from the budget, or {@link #UNDECLARED}: its first
 *                       load takes the budget that is free, then its measured footprint counts
 * @param idleUnload     idle time before unload; {@link Duration#ZERO} = never
 * @param pinned         never evicted to make room
 * @param maxConcurrency requests served at once; more wait in the queue
 * @param maxQueue       requests allowed to wait; beyond it 429
 * @param queueTimeout   how long a request waits for capacity before 503
 * @param startTimeout   start deadline; it slides while the engine writes log output
 * @param stopGrace      time between SIGTERM and SIGKILL
 * @param defaults       request defaults (video: size, fps, seconds…)
 * @param port           optional own port (VideosDGX API of this model), or null
 * @param options        engine-specific options (llamacpp: ctx_size, threads…); the loader adds
 *                       "model" (the entry's model:) and "preset" (vllm, llama-server, sglang) when set
 * @param jobs           job settings (worker and testsrc engines): stall_timeout, cancel_grace,
 *                       max_attempts, seconds_per_unit
 * @param proxy          timeouts of requests proxied to the model's HTTP server (process, remote, llamacpp)
 * @param sharing        max_wait and min_residency (scheduler rule 7); null = the task's defaults
 * @param maxConcurrencySource where {@code maxConcurrency} came from: {@code config} when the entry
 *                       (or the code that built the spec) set it, else the engine's own limit as read
 *                       from its command line, like {@code llama-server --parallel 4} (see EngineConcurrency)
 */
public record ModelSpec(
        String name,
        Task task,
        EngineKind engine,
        List<String> aliases,
        String cmd,
        Map<String, String> env,
        Path cwd,
        String health,
        URI url,
        Path path,
        long memoryBytes,
        Duration idleUnload,
        boolean pinned,
        int maxConcurrency,
        int maxQueue,
        Duration queueTimeout,
        Duration startTimeout,
        Duration stopGrace,
        Map<String, Object> defaults,
        Integer port,
        Map<String, Object> options,
        JobSettings jobs,
        ProxyTimeouts proxy,
        Sharing sharing,
        String maxConcurrencySource) {

    /** The spec with the task's {@link Sharing} defaults. */
    public ModelSpec(String name, Task task, EngineKind engine, List<String> aliases, String cmd,
                     Map<String, String> env, Path cwd, String health, URI url, Path path, long memoryBytes,
                     Duration idleUnload, boolean pinned, int maxConcurrency, int maxQueue, Duration queueTimeout,
                     Duration startTimeout, Duration stopGrace, Map<String, Object> defaults, Integer port,
                     Map<String, Object> options, JobSettings jobs, ProxyTimeouts proxy) {
        this(name, task, engine, aliases, cmd, env, cwd, health, url, path, memoryBytes, idleUnload, pinned,
                maxConcurrency, maxQueue, queueTimeout, startTimeout, stopGrace, defaults, port, options, jobs, proxy,
                null, null);
    }

    /** The spec with {@code maxConcurrency} set by its maker ({@code config}). */
    public ModelSpec(String name, Task task, EngineKind engine, List<String> aliases, String cmd,
                     Map<String, String> env, Path cwd, String health, URI url, Path path, long memoryBytes,
                     Duration idleUnload, boolean pinned, int maxConcurrency, int maxQueue, Duration queueTimeout,
                     Duration startTimeout, Duration stopGrace, Map<String, Object> defaults, Integer port,
                     Map<String, Object> options, JobSettings jobs, ProxyTimeouts proxy, Sharing sharing) {
        this(name, task, engine, aliases, cmd, env, cwd, health, url, path, memoryBytes, idleUnload, pinned,
                maxConcurrency, maxQueue, queueTimeout, startTimeout, stopGrace, defaults, port, options, jobs, proxy,
                sharing, null);
    }

    /** {@code jobs}, {@code proxy}, {@code sharing} and {@code maxConcurrencySource} may be null: their defaults apply. */
    public ModelSpec {
        maxConcurrencySource = maxConcurrencySource == null ? "config" : maxConcurrencySource;
        sharing = sharing == null ? (engine != null && engine.runsJobs() ? Sharing.JOBS : Sharing.REQUESTS) : sharing;
        jobs = jobs == null ? JobSettings.DEFAULTS : jobs;
        proxy = proxy == null ? ProxyTimeouts.DEFAULTS : proxy;
        aliases = List.copyOf(aliases);
        env = Map.copyOf(env);
        defaults = Map.copyOf(defaults);
        options = Map.copyOf(options);
    }

    /** {@code memoryBytes} of a process or worker model whose entry declares none (scheduler rule 8). */
    public static final long UNDECLARED = -1;

    /** This spec with one more variable in its engine's environment (the scheduler's CUDA_VISIBLE_DEVICES). */
    public ModelSpec withEnv(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(env);
        more.put(name, value);
        return new ModelSpec(this.name, task, engine, aliases, cmd, more, cwd, health, url, path, memoryBytes,
                idleUnload, pinned, maxConcurrency, maxQueue, queueTimeout, startTimeout, stopGrace, defaults, port,
                options, jobs, proxy, sharing, maxConcurrencySource);
    }

    /** The model's idle time-to-live; zero means it is never unloaded for idleness. */
    public boolean neverIdleUnload() { return idleUnload.isZero(); }

    /** Runs jobs from the queue (a worker child) rather than answering requests. */
    public boolean runsJobs() {
        return engine != null && engine.runsJobs();
    }

    /**
     * Takes jobs from /v1/jobs: a job engine's model, and any transcription model (a command or HTTP
     * engine transcribes a long recording as a job, chunk by chunk, through its request path).
     */
    public boolean acceptsJobs() {
        return runsJobs() || task == Task.TRANSCRIPTION;
    }

    /**
     * The name the engine knows the model by. Presets start it with --served-model-name / --alias set
     * to the Hearth name; a hand-written `cmd: vllm serve ${MODEL} …` serves it under `model:` instead.
     */
    public String upstreamName() {
        Object model = options.get("model");
        return options.containsKey("preset") || model == null ? name : model.toString();
    }
}
