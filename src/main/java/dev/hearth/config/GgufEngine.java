package dev.hearth.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Which engine serves a model given only by its .gguf file: an entry with {@code path:} and no
 * {@code engine:}, and every GGUF the embedded default finds in ./models. {@code server.gguf_engine}
 * (env {@code HEARTH_GGUF_ENGINE}) says:
 * <ul>
 *   <li>{@code auto} (the default): llama.cpp's own {@code llama-server} when Hearth finds its
 *       binary ({@code $HEARTH_LLAMA_SERVER}, else {@code llama-server} on {@code $PATH}), else
 *       Hearth's {@code llamacpp} engine;</li>
 *   <li>{@code llama-server}: always llama-server; Hearth refuses to start without the binary;</li>
 *   <li>{@code llamacpp}: always Hearth's engine (java-llama.cpp in a child JVM).</li>
 * </ul>
 * llama-server comes first because it is faster on the same file and threads: Hearth's engine is
 * bound to the llama.cpp that java-llama.cpp 4.2.0 bundles (b4916, March 2025), which reads
 * prompts at about half llama-server's speed (BENCHMARKS.md, "Hearth's llamacpp engine vs
 * llama-server"). An entry that names its engine ({@code engine: llamacpp},
 * {@code engine: llama-server}) gets exactly that one.
 */
public final class GgufEngine {
    public static final String AUTO = "auto";
    public static final String LLAMA_SERVER = "llama-server";
    public static final String LLAMACPP = "llamacpp";
    /** What the llama-server preset and the auto choice run when set; a path to the binary. */
    public static final String BINARY_VARIABLE = "HEARTH_LLAMA_SERVER";

    private static final Values.Kind<String> CHOICE = new Values.Kind<>("auto, llama-server or llamacpp",
            s -> List.of(AUTO, LLAMA_SERVER, LLAMACPP).contains(s.strip()) ? s.strip() : null);

    private GgufEngine() {}

    /** The llama-server binary that GGUF-only entries run on, or null for Hearth's llamacpp engine. */
    static Path server(YamlNode node, Fields f) {
        String fromEnv = f.env("HEARTH_GGUF_ENGINE", CHOICE);
        String fromFile = f.get(node, "server.gguf_engine", CHOICE);
        String choice = fromEnv != null ? fromEnv : fromFile != null ? fromFile : AUTO;
        if (choice.equals(LLAMACPP)) return null;
        Path binary = find(f);
        if (binary == null && choice.equals(LLAMA_SERVER)) {
            String why = "llama-server, but there is no llama-server binary: set " + BINARY_VARIABLE
                    + " to its path (bin/build-llama-server builds one) or put llama-server on PATH";
            if (fromEnv != null) {
                f.problems.env("HEARTH_GGUF_ENGINE", why);
            } else {
                f.problems.at(node, "server.gguf_engine", why);
            }
        }
        return binary;
    }

    /**
     * {@code $HEARTH_LLAMA_SERVER} when set (it must name an executable file: a wrong one is
     * refused, not silently replaced), else the first {@code llama-server} on {@code $PATH}.
     */
    private static Path find(Fields f) {
        String named = f.env(BINARY_VARIABLE, Values.TEXT);
        if (named != null) {
            Path p = Path.of(named.strip()).toAbsolutePath();
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            f.problems.env(BINARY_VARIABLE, "not an executable file: " + p
                    + " (it names llama.cpp's llama-server; bin/build-llama-server builds one and prints its path)");
            return null;
        }
        String path = f.env("PATH", Values.TEXT);
        if (path == null) return null;
        for (String dir : path.split(":")) {
            if (dir.isBlank()) continue;
            Path p = Path.of(dir.strip(), "llama-server").toAbsolutePath();
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }
}
