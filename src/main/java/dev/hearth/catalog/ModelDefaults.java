package dev.hearth.catalog;

import dev.hearth.config.Defaults;
import dev.hearth.config.GgufEngine;
import dev.hearth.config.ServerConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.hearth.config.Defaults.*;

/**
 * The defaults of a model entry that depend on its engine kind or task. The values themselves
 * live with every other default in {@link Defaults}; this picks among them.
 */
final class ModelDefaults {
    private ModelDefaults() {}

    /** The task a model does when its entry names none. */
    static Task task(EngineKind engine) {
        return switch (engine) {
            case ONNX_EMBEDDINGS -> Task.EMBEDDINGS;
            case WORKER, TESTSRC, LIGHTX2V -> Task.VIDEO;
            case PROCESS, LLAMACPP, REMOTE -> Task.CHAT;
            case COMMAND -> Task.TRANSCRIPTION;
        };
    }

    /**
     * Memory a model takes from the budget when its entry says nothing, or null where only the
     * user can know (process and worker engines run arbitrary servers). llamacpp is estimated from
     * its file, see {@link #llamacppMemory}.
     */
    static Long memory(EngineKind engine) {
        return switch (engine) {
            case ONNX_EMBEDDINGS -> ONNX_EMBEDDINGS_MEMORY;
            case REMOTE -> REMOTE_MEMORY;   // it runs elsewhere
            case LIGHTX2V -> LIGHTX2V_MEMORY;
            case TESTSRC -> TESTSRC_MEMORY;
            case COMMAND -> COMMAND_MEMORY;
            case PROCESS, WORKER, LLAMACPP -> null;
        };
    }

    /** The embedded default's synthetic test source (see TestsrcWorkerMain.DESCRIPTION). */
    static ModelSpec testsrc(ServerConfig server) {
        return new ModelSpec(TESTSRC_MODEL, Task.VIDEO, EngineKind.TESTSRC, List.of(), null, Map.of(), null, HEALTH,
                null, null, TESTSRC_MEMORY, server.idleUnload(), false, MAX_CONCURRENCY_JOBS, server.maxQueue(),
                server.queueTimeout(), START_TIMEOUT, STOP_GRACE, TESTSRC_DEFAULTS, null, Map.of(), TESTSRC_JOBS, null,
                null, EngineConcurrency.of(EngineKind.TESTSRC, null, Map.of()).source());
    }

    /** A command model the embedded default found installed (see {@link DebianEngines}). */
    static ModelSpec command(String name, Task task, String cmd, Map<String, Object> defaults, String inputFormat,
                             String outputFormat, Map<String, String> voices, ServerConfig server) {
        var settings = new CommandSettings(CommandTemplate.parse(cmd), COMMAND_RUN_TIMEOUT, inputFormat, outputFormat,
                voices);
        return new ModelSpec(name, task, EngineKind.COMMAND, List.of(), cmd, Map.of(), null, HEALTH, null, null,
                COMMAND_MEMORY, server.idleUnload(), false, MAX_CONCURRENCY, server.maxQueue(),
                server.queueTimeout(), START_TIMEOUT, STOP_GRACE, defaults, null,
                Map.of(CommandSettings.OPTION, settings), null, server.proxyTimeouts(), null,
                EngineConcurrency.of(EngineKind.COMMAND, cmd, Map.of()).source());
    }

    /** A model with every default, for models Hearth adds itself (the embedded default). */
    static ModelSpec model(String name, Task task, EngineKind engine, List<String> aliases, Path path,
                           long memoryBytes, ServerConfig server) {
        return model(name, task, engine, aliases, null, HEALTH, path, memoryBytes, Map.of(), server);
    }

    /**
     * A chat model the embedded default found as a .gguf file: on llama.cpp's llama-server when
     * Hearth found its binary ({@code server.gguf_engine}), else on Hearth's llamacpp engine.
     */
    static ModelSpec gguf(String name, Path gguf, long memoryBytes, ServerConfig server) {
        Path binary = server.ggufServer();
        if (binary == null) return model(name, Task.CHAT, EngineKind.LLAMACPP, List.of(), gguf, memoryBytes, server);
        return model(name, Task.CHAT, EngineKind.PROCESS, List.of(),
                Presets.llamaServer(binary, gguf, name, Task.CHAT, Map.of()),
                Presets.find(GgufEngine.LLAMA_SERVER).orElseThrow().health(), gguf, memoryBytes,
                Map.of("preset", GgufEngine.LLAMA_SERVER), server);
    }

    private static ModelSpec model(String name, Task task, EngineKind engine, List<String> aliases, String cmd,
                                   String health, Path path, long memoryBytes, Map<String, Object> options,
                                   ServerConfig server) {
        EngineConcurrency.Limit concurrency = EngineConcurrency.of(engine, cmd, Map.of());
        return new ModelSpec(name, task, engine, aliases, cmd, Map.of(), null, health, null, path,
                memoryBytes, server.idleUnload(), false, concurrency.value(), server.maxQueue(),
                server.queueTimeout(), START_TIMEOUT, STOP_GRACE, Map.of(), null, options, null,
                server.proxyTimeouts(), null, concurrency.source());
    }
}
