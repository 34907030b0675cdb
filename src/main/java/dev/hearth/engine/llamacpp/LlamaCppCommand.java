package dev.hearth.engine.llamacpp;

import dev.hearth.config.ModelSpec;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

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
        List<String> argv = new ArrayList<>(List.of(
                javaExecutable(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-XX:+UseSerialGC", // one small heap, no GC threads competing with llama.cpp's
                "-cp", absoluteClassPath(),
                LlamaEngineMain.class.getName(),
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

    /**
     * This JVM's class path with every entry made absolute: the child may run in another working
     * directory (a model's {@code cwd}), and {@code ./hearth} starts us with a relative jar.
     */
    public static String absoluteClassPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty())
                .map(e -> Path.of(e).toAbsolutePath().normalize().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** This JVM's own java, so the child runs on the same runtime. */
    private static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
