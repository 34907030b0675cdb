package dev.hearth.catalog;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Known OpenAI-compatible servers, so a model entry can say {@code engine: vllm} and
 * {@code model: Qwen/Qwen2.5-7B-Instruct} instead of spelling out the command line. A preset
 * expands to a process engine; a {@code cmd} in the entry replaces the preset's, {@code args} are
 * appended to it.
 *
 * <p>Placeholders: {@code ${MODEL}} is the entry's {@code model:} and {@code ${NAME}} the model's
 * name in Hearth, both filled in by the config loader; {@code ${PORT}} is filled in by the engine
 * at each start. Every preset serves the model under its Hearth name (--served-model-name,
 * --alias), so the gateway forwards requests with {@code "model": <name>} and the server accepts it.
 * llama-server runs with {@code --jinja}: the model's own chat template, which is what turns its
 * tool-call text into {@code tool_calls} (newer builds default to it; older ones need the flag).
 * Each binds to loopback: only Hearth talks to it.
 *
 * <p>llama-server is rarely installed where a package manager puts things: it is often a build
 * directory's {@code build/bin/llama-server}. So its preset runs {@code $HEARTH_LLAMA_SERVER} when
 * that is set (in Hearth's environment or the model's {@code env:}; the shell expands it, as it
 * does any cmd) and {@code llama-server} from PATH otherwise.
 */
public final class Presets {
    private Presets() {}

    /**
     * @param name      what {@code engine:} says
     * @param engine    the engine kind it expands to
     * @param cmd       command template
     * @param health    readiness path
     * @param modelHint what {@code model:} is, for the message when it is missing
     */
    public record Preset(String name, EngineKind engine, String cmd, String health, String modelHint) {}

    private static final List<Preset> PRESETS = List.of(
            new Preset("vllm", EngineKind.PROCESS,
                    "vllm serve ${MODEL} --host 127.0.0.1 --port ${PORT} --served-model-name ${NAME}",
                    "/health",
                    "the Hugging Face id or local directory vLLM serves, like Qwen/Qwen2.5-7B-Instruct"),
            new Preset("llama-server", EngineKind.PROCESS,
                    "\"${HEARTH_LLAMA_SERVER:-llama-server}\" -m ${MODEL} --host 127.0.0.1 --port ${PORT}"
                            + " --alias ${NAME} --jinja",
                    "/health",
                    "the .gguf file llama-server loads, like /models/qwen2.5-7b-instruct-q4_k_m.gguf"),
            new Preset("sglang", EngineKind.PROCESS,
                    "python3 -m sglang.launch_server --model-path ${MODEL} --host 127.0.0.1 --port ${PORT}"
                            + " --served-model-name ${NAME}",
                    "/health",
                    "the Hugging Face id or local directory SGLang serves, like Qwen/Qwen2.5-7B-Instruct"));

    /**
     * The llama-server command for a model given by its .gguf file alone, when
     * {@code server.gguf_engine} chose llama-server (see {@code GgufEngine}): the preset's command
     * with the binary Hearth found, the file shell-quoted, and the llamacpp options that
     * llama-server spells the same ({@code ctx_size}, {@code threads}); an embeddings model gets
     * {@code --embeddings}.
     *
     * @param options the entry's options, each already checked (see {@link #LLAMACPP_OPTIONS})
     */
    static String llamaServer(Path binary, Path gguf, String name, Task task, Map<String, Object> options) {
        StringBuilder cmd = new StringBuilder(shellQuote(binary.toString()))
                .append(" -m ").append(shellQuote(gguf.toAbsolutePath().toString()))
                .append(" --host 127.0.0.1 --port ${PORT} --alias ").append(name);
        if (task == Task.CHAT) cmd.append(" --jinja"); // the model's own chat template: tool calls work
        LLAMACPP_OPTIONS.forEach((key, flag) -> {
            if (options.get(key) instanceof Number n) cmd.append(' ').append(flag).append(' ').append(n.intValue());
        });
        if (task == Task.EMBEDDINGS) cmd.append(" --embeddings");
        return cmd.toString();
    }

    /**
     * The options of Hearth's llamacpp engine and the flag both it and llama-server take for each, in
     * the order they are written on the command line.
     */
    static final Map<String, String> LLAMACPP_OPTIONS = llamacppOptions();

    private static Map<String, String> llamacppOptions() {
        var options = new java.util.LinkedHashMap<String, String>();
        options.put("ctx_size", "--ctx-size");
        options.put("threads", "--threads");
        return java.util.Collections.unmodifiableSequencedMap(options);
    }

    /** 'text' for /bin/sh, with each ' written as '\''. */
    static String shellQuote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    public static Optional<Preset> find(String name) {
        return PRESETS.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public static List<Preset> all() { return PRESETS; }

    public static List<String> names() {
        return PRESETS.stream().map(Preset::name).toList();
    }
}
