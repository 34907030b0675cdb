package dev.hearth.catalog;

import dev.hearth.config.Fields;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.hearth.catalog.Task.CHAT;
import static dev.hearth.catalog.Task.COMPLETION;
import static dev.hearth.catalog.Task.EMBEDDINGS;
import static dev.hearth.catalog.Task.OCR;
import static dev.hearth.catalog.Task.SPEECH;
import static dev.hearth.catalog.Task.TRANSCRIPTION;
import static dev.hearth.catalog.Task.VIDEO;

/**
 * The engine kinds a model may name: for each, the tasks it can serve, how a running one is
 * reached ({@link Serves}), and the keys only it reads (a key given to an engine that ignores it,
 * url on a process, is a mistake worth refusing). {@code engine.Engines} builds each kind's engine
 * in one exhaustive switch, so a new kind does not compile until it has a factory.
 */
public enum EngineKind {
    PROCESS("process", Serves.HTTP, List.of(CHAT, COMPLETION, EMBEDDINGS, TRANSCRIPTION, SPEECH),
            Set.of("cmd", "args", "model", "env", "cwd", "health")),
    LLAMACPP("llamacpp", Serves.HTTP, List.of(CHAT, COMPLETION, EMBEDDINGS), Set.of("path", "env")),
    ONNX_EMBEDDINGS("onnx-embeddings", Serves.IN_PROCESS, List.of(EMBEDDINGS), Set.of()),
    REMOTE("remote", Serves.HTTP, List.of(CHAT, COMPLETION, EMBEDDINGS, TRANSCRIPTION, SPEECH),
            Set.of("url", "health", "model")),
    WORKER("worker", Serves.JOBS, List.of(VIDEO, TRANSCRIPTION), Set.of("cmd", "args", "model", "env", "cwd")),
    TESTSRC("testsrc", Serves.JOBS, List.of(VIDEO), Set.of()),
    LIGHTX2V("lightx2v", Serves.JOBS, List.of(VIDEO), Set.of("url", "health")),
    COMMAND("command", Serves.COMMAND, List.of(TRANSCRIPTION, SPEECH, OCR),
            Set.of("cmd", "args", "model", "env", "cwd", "run_timeout", "input_format", "output_format", "voices"));

    /** How a running engine of a kind is reached: the shape of its {@code engine.Endpoint}. */
    public enum Serves {
        /** An OpenAI-compatible HTTP server that requests are proxied to. */
        HTTP,
        /** Code inside Hearth's JVM. */
        IN_PROCESS,
        /** A runner of queued jobs. */
        JOBS,
        /** One process per request from a command template (a CLI such as tesseract or whisper-cli). */
        COMMAND
    }

    /** testsrc's model card, shown in /v1/models and logged by its worker. */
    public static final String TESTSRC_DESCRIPTION = "testsrc is NOT a model: it generates no content and has no"
            + " weights. It draws synthetic test frames in Java (the prompt and seed as text, the frame number and"
            + " time, and shapes moving on a path chosen by the seed, over the input image for i2v) and encodes"
            + " them to H.264 MP4 with ffmpeg. It exists to smoke-test Hearth's job queue, worker protocol,"
            + " progress, cancel and video outputs on any machine, without a GPU.";

    final String wire;
    final Serves serves;
    final List<Task> tasks;
    final Set<String> keys;

    EngineKind(String wire, Serves serves, List<Task> tasks, Set<String> keys) {
        this.wire = wire;
        this.serves = serves;
        this.tasks = tasks;
        this.keys = keys;
    }

    /** The name hearth.yaml and the API use ({@code onnx-embeddings}). */
    public String wire() { return wire; }

    /** How a running engine of this kind is reached. */
    public Serves serves() { return serves; }

    /** Whether its engines run queued jobs rather than answer requests. */
    public boolean runsJobs() { return serves == Serves.JOBS; }

    /** The tasks a model of this kind may declare. */
    public List<Task> tasks() { return tasks; }

    /** A description for people, shown beside the model; null for kinds that serve real models. */
    public String description() { return this == TESTSRC ? TESTSRC_DESCRIPTION : null; }

    /** Keys that some engine kinds read and others do not. */
    static final Set<String> SPECIFIC_KEYS =
            Set.of("cmd", "args", "model", "env", "cwd", "health", "url", "path", "run_timeout", "input_format",
                    "output_format", "voices");

    /**
     * The key this kind reads where users write another kind's key out of habit (a GGUF file is
     * a llamacpp model's {@code path}, not vLLM's {@code model}); null when there is none.
     */
    String insteadOf(String key) {
        return this == LLAMACPP && key.equals("model") ? "path" : null;
    }

    /** The kind named {@code wire}, or null. */
    public static EngineKind of(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst().orElse(null);
    }

    static List<String> wires() {
        return Arrays.stream(values()).map(k -> k.wire).toList();
    }

    /** "remote" or "process and worker": which engines read a key. */
    static String readersOf(String key) {
        Set<String> readers = new LinkedHashSet<>();
        for (EngineKind k : values()) if (k.keys.contains(key)) readers.add(k.wire);
        return Fields.list(List.copyOf(readers), "and");
    }
}
