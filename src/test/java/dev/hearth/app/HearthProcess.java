package dev.hearth.app;

import dev.hearth.cli.Main;
import dev.hearth.engine.process.JavaCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A real Hearth in a child JVM ({@code java -cp <this class path> dev.hearth.cli.Main serve --config …}),
 * so a test can kill -9 it. Its output goes to a file, read for the address it announces.
 */
final class HearthProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("Hearth is serving on (http://\\S+)");

    final Process process;
    final Path log;
    final URI base;

    HearthProcess(Path config, Path log) {
        this(config, log, java.util.Map.of());
    }

    /** @param env more environment for the child (credentials of a bucket) */
    HearthProcess(Path config, Path log, java.util.Map<String, String> env) {
        this(List.of(), config, log, env);
    }

    /** @param prefix what runs the JVM (`ip netns exec <name>`), or nothing */
    HearthProcess(List<String> prefix, Path config, Path log, java.util.Map<String, String> env) {
        this.log = log;
        try {
            List<String> cmd = new java.util.ArrayList<>(prefix);
            cmd.addAll(command("serve", "--config", config.toString()));
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(env);
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            this.base = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(this::announced, u -> u != null || !process.isAlive());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("Hearth did not announce its address within 60 s:\n" + output(), e);
        }
        if (base == null) throw new IllegalStateException("Hearth exited with " + process.exitValue() + ":\n" + output());
    }

    /** `hearth args…` as a child JVM on this test's class path. */
    static List<String> command(String... args) {
        List<String> cmd = JavaCommand.of(Main.class, "--enable-native-access=ALL-UNNAMED", "-Xmx256m");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** What a finished `hearth …` command said (stdout and stderr together) and its exit code. */
    record Finished(int code, String output) {}

    /** Runs a `hearth` command that ends by itself (health, models, a refused serve) to its end. */
    static Finished run(Path log, java.util.Map<String, String> env, String... args) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("HEARTH_"));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("`hearth " + String.join(" ", args) + "` did not end within 60 s:\n"
                        + Files.readString(log));
            }
            return new Finished(p.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI announced() {
        Matcher m = SERVING.matcher(output());
        URI last = null;
        while (m.find()) last = URI.create(m.group(1));
        return last != null && process.isAlive() ? last : null;
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGKILL: no shutdown hook, no chance to record anything. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: the shutdown hook stops the engines
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
