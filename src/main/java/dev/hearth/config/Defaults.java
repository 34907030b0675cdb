package dev.hearth.config;


import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every default of hearth.yaml, in one place. The loader fills records from here; nothing else
 * in Hearth invents a default for a configured value. Durations of zero mean "never" where noted.
 */
public final class Defaults {
    private Defaults() {}

    public static final String CONFIG_FILE = "hearth.yaml";
    /** Scanned for *.gguf when there is no hearth.yaml (or it has no models: section). */
    public static final Path MODELS_DIR = Path.of("models");

    // server:
    public static final String LISTEN_HOST = "127.0.0.1";
    public static final int LISTEN_PORT = 8009;
    /** Beside the config file, like a relative data_dir written in it. */
    public static final Path DATA_DIR = Path.of("./data");
    public static final String DATABASE = "sqlite";
    public static final long MEMORY_BUDGET = ServerConfig.AUTO;
    /** Zero = never unload for idleness. */
    public static final Duration IDLE_UNLOAD = Duration.ofMinutes(30);
    public static final boolean EXCLUSIVE = false;
    public static final int MAX_QUEUE = 100;
    /** Zero = answer 503 at once when there is no capacity. */
    public static final Duration QUEUE_TIMEOUT = Duration.ofSeconds(60);
    /** Zero = no limit. */
    public static final Duration JOB_TIMEOUT = Duration.ofMinutes(60);
    /** Zero = keep finished jobs forever. */
    public static final Duration RETENTION = Duration.ofDays(7);
    /** The highest job priority a "user" key may ask for; admins may ask for any. */
    public static final int MAX_USER_PRIORITY = 0;
    /** The prompt enhancer's default system prompt: written for video models. */
    public static final String ENHANCER_INSTRUCTIONS = "You rewrite short prompts for a text-to-video model. Expand the"
            + " user's prompt into one vivid paragraph of at most 120 words that describes the subject, its motion,"
            + " the camera (framing and movement), the lighting and the setting. Keep the user's intent and every"
            + " detail they gave. Answer with the rewritten prompt only: no preamble, no quotes, no lists.";

    // media:
    /** No local directory is open to job inputs unless the user names it. */
    public static final List<Path> MEDIA_ALLOWED_PATHS = List.of();
    /** An hour of 44.1 kHz stereo WAV is 635 MB; of a 128 kbit/s MP3, 58 MB. */
    public static final long MAX_AUDIO_BYTES = 1024L * 1024 * 1024;

    // models.<name>:
    /**
     * max_concurrency when the engine's own limit is unknown. A request model's default is what its
     * engine serves at once (catalog's EngineConcurrency reads it from the command line); these are
     * the fallbacks: command and in-JVM engines, job engines (one job at a time), an HTTP server that
     * queues internally, Hearth's llamacpp engine (one generating, one waiting), and the most allowed.
     */
    public static final int MAX_CONCURRENCY = 4;
    public static final int MAX_CONCURRENCY_JOBS = 1;
    public static final int MAX_CONCURRENCY_HTTP = 64;
    public static final int MAX_CONCURRENCY_LLAMACPP = 2;
    public static final int MAX_CONCURRENCY_LIMIT = 1024;
    /** Rule 7: how long waiting work of an interactive model lets a loaded model in use keep serving. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(5);
    /** Rule 7 for job models (video, audio): their jobs take minutes, and so does their load. */
    public static final Duration MAX_WAIT_JOBS = Duration.ofMinutes(3);
    /** Rule 7: a loaded model may be swapped out at once (the in-use test already prevents thrashing). */
    public static final Duration MIN_RESIDENCY = Duration.ZERO;
    /** vLLM compiles CUDA graphs for minutes on first start; the deadline also slides while it logs. */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(10);
    /** Zero = kill at once. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);
    public static final String HEALTH = "/health";
    /** Proxying to an engine's HTTP server (see ProxyTimeouts): an engine on this machine or the LAN connects at once. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** vLLM reads a 100k-token prompt for minutes before the first token; a non-streamed answer is all "first byte". */
    public static final Duration FIRST_BYTE_TIMEOUT = Duration.ofMinutes(10);
    /** Between two tokens of a stream; generous for an engine pausing to schedule a large batch. */
    public static final Duration CHUNK_TIMEOUT = Duration.ofMinutes(2);

    public static final long MIB = 1024L * 1024;
    public static final long ONNX_EMBEDDINGS_MEMORY = 128 * MIB;
    public static final long TESTSRC_MEMORY = 64 * MIB;
    public static final long REMOTE_MEMORY = 0;
    /** A command engine's run (pocketsphinx, espeak-ng, tesseract) takes tens of MiB; whisper-cli wants more: set memory. */
    public static final long COMMAND_MEMORY = 256 * MIB;
    /** One run of a command engine: a minute of speech or a page is seconds on a CPU. */
    public static final Duration COMMAND_RUN_TIMEOUT = Duration.ofMinutes(5);
    /** A LightX2V server's GPU is its own, not Hearth's budget; set memory when it shares this machine's. */
    public static final long LIGHTX2V_MEMORY = 0;
    /** LightX2V answers its service status here (it has no /health). */
    public static final String LIGHTX2V_HEALTH = "/v1/service/status";
    /** testsrc's ETA prior: about 30 ms a 640x360 frame on one core, measured; jobs refine it. */
    public static final double TESTSRC_SECONDS_PER_UNIT = 0.03;
    public static final JobSettings TESTSRC_JOBS = new JobSettings(JobSettings.DEFAULTS.stallTimeout(),
            JobSettings.DEFAULTS.cancelGrace(), JobSettings.DEFAULTS.maxAttempts(), TESTSRC_SECONDS_PER_UNIT);

    // the embedded default (no hearth.yaml)
    public static final String EMBEDDINGS_MODEL = "all-minilm-l6-v2";
    public static final List<String> EMBEDDINGS_ALIASES = List.of("all-minilm");
    public static final String TESTSRC_MODEL = "testsrc";
    public static final Map<String, Object> TESTSRC_DEFAULTS = Map.of("size", "640x360", "fps", 24, "seconds", 2);

    public static ServerConfig server() {
        return new ServerConfig(LISTEN_HOST, LISTEN_PORT, DATA_DIR, DATABASE, MEMORY_BUDGET, IDLE_UNLOAD,
                EXCLUSIVE, MAX_QUEUE, QUEUE_TIMEOUT, JOB_TIMEOUT, RETENTION, null);
    }

    /**
     * A GGUF model's weights are read whole into memory, so the file size is the floor. On top:
     * 20% for the KV cache and compute buffers at the default context (they grow with the model's
     * width and depth, hence proportional), and 64 MiB of fixed runtime scratch that even a tiny
     * model needs. Models run with a large ctx_size should state `memory` instead.
     */
    public static long llamacppMemory(long ggufBytes) {
        return ggufBytes + ggufBytes / 5 + 64 * MIB;
    }

}
