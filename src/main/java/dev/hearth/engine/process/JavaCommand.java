package dev.hearth.engine.process;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The command line of a child JVM running one of this jar's classes: Hearth's own engines and workers. */
public final class JavaCommand {

    private JavaCommand() {}

    /**
     * {@code java <jvmOptions> -cp <this class path> <main>}, on this JVM's own runtime, as a new
     * list the caller adds the program's arguments to.
     */
    public static List<String> of(Class<?> main, String... jvmOptions) {
        var argv = new ArrayList<String>();
        argv.add(javaExecutable());
        argv.addAll(List.of(jvmOptions));
        argv.addAll(List.of("-cp", absoluteClassPath(), main.getName()));
        return argv;
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
