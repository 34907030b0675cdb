package dev.hearth.engine.command;

import dev.hearth.EngineException;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.CommandRunner;
import dev.hearth.engine.CommandTimeoutException;
import dev.hearth.engine.Endpoint;
import dev.hearth.engine.Engine;
import dev.hearth.engine.LogBuffer;
import dev.hearth.engine.Text;
import dev.hearth.engine.process.ChildProcess;
import dev.hearth.engine.process.ChildSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code command} model: no server, one process per request from the model's command template
 * (see {@link dev.hearth.catalog.CommandTemplate}: argv without a shell). "Loaded" means its memory
 * is held in the budget and requests may run, as many at once as the scheduler's lease allows
 * (max_concurrency). Each run's stderr goes to the model's log; a run that outlives run_timeout has
 * its whole process tree killed; stopping the engine kills the runs still going.
 */
public final class CommandEngine implements Engine, CommandRunner {
    private static final int LOG_LINES = 200;
    /** How much of the last stderr line a failure's message quotes. */
    private static final int QUOTED_CHARS = 200;

    private final ModelSpec spec;
    private final CommandSettings settings;
    private final Path logFile;
    private final String mark;
    private final String markValue;
    private final LogBuffer logs = new LogBuffer(LOG_LINES);
    private final Set<ChildProcess> running = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<String> never = new CompletableFuture<>();
    private volatile boolean started;

    /**
     * @param logFile the model's log file, or null
     * @param mark    the environment variable (and its value) every child of this Hearth carries
     */
    public CommandEngine(ModelSpec spec, Path logFile, String mark, String markValue) {
        this.spec = spec;
        this.settings = CommandSettings.of(spec);
        this.logFile = logFile;
        this.mark = mark;
        this.markValue = markValue;
    }

    @Override
    public String model() { return spec.name(); }

    @Override
    public CommandSettings settings() { return settings; }

    /** Checks the program exists, so a typo is a failed load with its reason, not a failure per request. */
    @Override
    public void start() throws EngineException {
        String program = settings.template().items().getFirst();
        if (resolve(program) == null) {
            String why = "The command of model '" + spec.name() + "' cannot run: program '" + program
                    + "' is not an executable file" + (program.contains("/") ? "" : " on PATH");
            logs.add("hearth: " + why);
            throw new EngineException(why);
        }
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        for (ChildProcess child : List.copyOf(running)) {
            child.explain("the model is being unloaded; ending this run");
            child.end(Duration.ZERO);
        }
    }

    @Override
    public CompletableFuture<String> crashed() { return never.copy(); }

    @Override
    public Endpoint endpoint() { return started ? new Endpoint.Command(this) : Endpoint.DOWN; }

    @Override
    public LogBuffer logs() { return logs; }

    @Override
    public Path run(Path workDir, Path input, Map<String, String> values, CompletableFuture<?> cancel) {
        boolean toFile = settings.template().uses("OUTPUT");
        Path output = workDir.resolve("output." + extension(settings.outputFormat()));
        Map<String, String> all = new HashMap<>(values);
        all.put("INPUT", input.toAbsolutePath().toString());
        all.put("OUTPUT", output.toAbsolutePath().toString());
        List<String> argv = settings.template().argv(all);
        Duration grace = spec.stopGrace().isZero() ? Duration.ofMillis(1) : spec.stopGrace();
        var child = new ChildSpec(spec.name(), argv, spec.env(), spec.cwd(), settings.runTimeout(), grace, logFile)
                .withEnv(mark, markValue);
        ChildProcess process;
        try {
            process = ChildProcess.launch(child, ChildProcess.Output.STDERR, ChildProcess.Logs.of(logs),
                    InstantSource.system(), "");
        } catch (IOException e) {
            throw new EngineException("The command of model '" + spec.name() + "' could not be launched: "
                    + e.getMessage());
        }
        running.add(process);
        try {
            CompletableFuture<Void> copied = copy(process.stdout(), toFile ? null : output);
            boolean exited;
            try {
                // the run's thread waits and kills; the canceller only completes a future (it must not block)
                CompletableFuture.anyOf(process.onExit(), cancel).get(settings.runTimeout().toNanos(), TimeUnit.NANOSECONDS);
                exited = !process.isAlive();
            } catch (TimeoutException e) {
                exited = false;
            } catch (ExecutionException e) {
                exited = !process.isAlive(); // a cancel future that failed still means "stop"
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.end(Duration.ZERO);
                throw new EngineException("Interrupted while the command of model '" + spec.name() + "' ran.");
            }
            if (!exited && cancel.isDone()) {
                process.explain("the client went away; ending this run");
                process.end(Duration.ZERO);
                throw new CancellationException("the client went away");
            }
            if (!exited) {
                process.explain("the run took longer than run_timeout (" + Text.human(settings.runTimeout())
                        + "); killing its process tree");
                process.end(Duration.ZERO);
                throw new CommandTimeoutException("The command of model '" + spec.name() + "' took longer than its"
                        + " run_timeout (" + Text.human(settings.runTimeout()) + ") and was stopped.");
            }
            process.end(); // the tree: a child the command left behind
            copied.join();
            if (process.exitValue() != 0) {
                List<String> last = process.lastLines(1);
                String line = last.isEmpty() ? "" : last.getFirst().strip();
                if (line.length() > QUOTED_CHARS) line = line.substring(0, QUOTED_CHARS) + "…";
                throw new EngineException("The command of model '" + spec.name() + "' failed (exit code "
                        + process.exitCode() + ")" + (line.isEmpty() ? "" : ": " + line)
                        + "; its log is at /api/models/" + spec.name() + "/logs.");
            }
        } finally {
            running.remove(process);
            process.end(Duration.ZERO);
        }
        if (!Files.isRegularFile(output)) {
            throw new EngineException("The command of model '" + spec.name() + "' wrote no output"
                    + (toFile ? " to ${OUTPUT}." : " on stdout."));
        }
        return output;
    }

    /** Drains stdout (a full pipe would stall the command) into {@code target}, or discards it. */
    private static CompletableFuture<Void> copy(InputStream stdout, Path target) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().name("hearth-command-stdout").start(() -> {
            try (InputStream in = stdout; OutputStream out = target == null ? OutputStream.nullOutputStream()
                    : Files.newOutputStream(target)) {
                in.transferTo(out);
            } catch (IOException e) {
                // the process was killed mid-write; its exit code tells the story
            } finally {
                done.complete(null);
            }
        });
        return done;
    }

    static String extension(String outputFormat) {
        return switch (outputFormat) {
            case "text", "timed_words" -> "txt";
            default -> outputFormat;
        };
    }

    /** The program as a file: an absolute or relative path, else the first match on PATH. */
    static Path resolve(String program) {
        if (program.contains("/")) {
            Path p = Path.of(program).toAbsolutePath();
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(":")) {
            if (dir.isBlank()) continue;
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }
}
