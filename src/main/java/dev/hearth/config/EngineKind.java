package dev.hearth.config;

import dev.hearth.catalog.Task;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.hearth.catalog.Task.AUDIO;
import static dev.hearth.catalog.Task.CHAT;
import static dev.hearth.catalog.Task.COMPLETION;
import static dev.hearth.catalog.Task.EMBEDDINGS;
import static dev.hearth.catalog.Task.VIDEO;

/**
 * The engine kinds a model may name, the tasks each can serve and the keys only it reads. A key
 * given to an engine that ignores it (url on a process) is a mistake worth refusing.
 */
enum EngineKind {
    PROCESS("process", List.of(CHAT, COMPLETION, EMBEDDINGS, AUDIO), Set.of("cmd", "args", "model", "env", "cwd", "health")),
    LLAMACPP("llamacpp", List.of(CHAT, COMPLETION, EMBEDDINGS), Set.of("path", "env")),
    ONNX_EMBEDDINGS("onnx-embeddings", List.of(EMBEDDINGS), Set.of()),
    REMOTE("remote", List.of(CHAT, COMPLETION, EMBEDDINGS, AUDIO), Set.of("url", "health")),
    WORKER("worker", List.of(VIDEO, AUDIO), Set.of("cmd", "args", "model", "env", "cwd")),
    TESTSRC("testsrc", List.of(VIDEO), Set.of()),
    LIGHTX2V("lightx2v", List.of(VIDEO), Set.of("url", "health"));

    final String wire;
    final List<Task> tasks;
    final Set<String> keys;

    EngineKind(String wire, List<Task> tasks, Set<String> keys) {
        this.wire = wire;
        this.tasks = tasks;
        this.keys = keys;
    }

    /** Keys that some engine kinds read and others do not. */
    static final Set<String> SPECIFIC_KEYS =
            Set.of("cmd", "args", "model", "env", "cwd", "health", "url", "path");

    /**
     * The key this kind reads where users write another kind's key out of habit (a GGUF file is
     * a llamacpp model's {@code path}, not vLLM's {@code model}); null when there is none.
     */
    String insteadOf(String key) {
        return this == LLAMACPP && key.equals("model") ? "path" : null;
    }

    static EngineKind of(String wire) {
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
