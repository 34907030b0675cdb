package dev.hearth.engine.llamacpp;

import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.process.JavaCommand;

import java.util.List;

/** Builds the command line that starts {@link LlamaEngineMain} for a model in a child JVM. */
public final class LlamaCppCommand {

    /** The placeholder the process engine replaces with the port it chose. */
    public static final String PORT = "${PORT}";

    private LlamaCppCommand() {}

    /**
     * {@code java --enable-native-access=ALL-UNNAMED -Xmx256m -cp <this class path> LlamaEngineMain
     * --model <path> --port ${PORT} --name <name> [--ctx-size N] [--threads N]}. The heap stays
     * small because the model's memory is native, outside it.
     */
    public static List<String> argv(ModelSpec spec) {
        if (spec.path() == null) {
            throw new IllegalArgumentException("model '" + spec.name() + "': engine llamacpp needs 'path' (the .gguf file)");
        }
        List<String> argv = JavaCommand.of(LlamaEngineMain.class,
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-XX:+UseSerialGC"); // one small heap, no GC threads competing with llama.cpp's
        argv.addAll(List.of(
                "--model", spec.path().toAbsolutePath().toString(),
                "--port", PORT,
                "--name", spec.name()));
        option(spec, "ctx_size", "--ctx-size", argv);
        option(spec, "threads", "--threads", argv);
        return List.copyOf(argv);
    }

    private static void option(ModelSpec spec, String key, String flag, List<String> argv) {
        Object value = spec.options().get(key);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() <= 0) {
            throw new IllegalArgumentException("model '" + spec.name() + "': options." + key
                    + " must be a positive integer, got " + value);
        }
        argv.add(flag);
        argv.add(Integer.toString(n.intValue()));
    }
}
