package dev.hearth.api.openai;

import dev.hearth.BadRequestException;
import dev.hearth.EngineException;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.CommandTemplate;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.engine.CommandRunner;
import dev.hearth.engine.Endpoint;
import dev.hearth.HearthException;
import dev.hearth.gateway.Abort;
import dev.hearth.gateway.ClientWatch;
import dev.hearth.gateway.Errors;
import dev.hearth.media.Inputs;
import dev.hearth.observe.Metrics;
import dev.hearth.scheduler.Lease;
import dev.hearth.scheduler.ModelScheduler;
import dev.hearth.scheduler.UnknownModelException;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What the audio and OCR routes share: the model checked against the route's task, a scratch
 * directory per request, and runs of the model's command under one scheduler lease per request (so
 * max_concurrency requests run at once, the rest queue, and the model's memory is in the budget).
 */
final class CommandCalls {

    private final Catalog catalog;
    private final ModelScheduler models;
    private final Metrics metrics;
    final Inputs inputs;

    CommandCalls(Catalog catalog, ModelScheduler models, Metrics metrics, Inputs inputs) {
        this.catalog = catalog;
        this.models = models;
        this.metrics = metrics;
        this.inputs = inputs;
    }

    /** The model named by the path or the request, which must do {@code task}. */
    ModelSpec model(String name, Task task, String route) {
        if (name == null || name.isBlank()) {
            throw new BadRequestException("model: required: the " + task.wire() + " model to use.", "model");
        }
        ModelSpec spec = catalog.resolve(name).orElseThrow(() -> new UnknownModelException(name));
        if (spec.task() != task) {
            throw new BadRequestException("Model '" + spec.name() + "' is a " + spec.task().wire()
                    + " model; it cannot serve " + route + ".", "model");
        }
        return spec;
    }

    CommandSettings settings(ModelSpec spec) {
        return CommandSettings.of(spec);
    }

    /** A new scratch id; its directory ({@link Inputs#dir}) exists. The caller discards it. */
    String scratch() {
        String id = "req-" + UUID.randomUUID();
        try {
            Files.createDirectories(inputs.dir(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return id;
    }

    Path dir(String id) {
        return inputs.dir(id);
    }

    /**
     * A request value for a placeholder: the request's, else the model's default; checked so that
     * it is one plain word.
     */
    static String value(String given, String field, ModelSpec spec) {
        String v = given != null && !given.isBlank() ? given.strip() : null;
        if (v == null) {
            Object d = spec.defaults().get(field);
            return d == null ? null : d.toString();
        }
        if (!CommandTemplate.SAFE_VALUE.matcher(v).matches()) {
            throw new BadRequestException(field + ": expected a name like en or en-us (letters, digits and . _ + : -,"
                    + " at most 64), got \"" + (v.length() > 64 ? v.substring(0, 64) + "…" : v) + "\".", field);
        }
        return v;
    }

    /**
     * Runs the model's command once on {@code input} under a lease; returns its output file. A client
     * that goes away meanwhile withdraws from the model's queue, or has its run killed.
     */
    Path run(ServerRequest req, ModelSpec spec, Task task, Path input, Map<String, String> values) {
        return underLease(req, spec, task, runs -> runs.run(input, values));
    }

    /** Runs of one model's command that share one lease (a PDF's pages, one run each). */
    static final class Runs {
        private final CommandRunner runner;
        private final CompletableFuture<Void> gone;

        private Runs(CommandRunner runner, CompletableFuture<Void> gone) {
            this.runner = runner;
            this.gone = gone;
        }

        /** One run on {@code input}, in its directory; a client gone or a lease revoked ends it (and the rest). */
        Path run(Path input, Map<String, String> values) {
            if (gone.isDone()) {
                throw new CancellationException("the request's runs are no longer wanted");
            }
            return runner.run(input.getParent(), input, values, gone);
        }
    }

    /**
     * Takes one lease on the model and calls {@code body} with it: however many runs it makes, they
     * count as one request in the metrics and hold the model's slot once. A client that goes away
     * withdraws from the model's queue or has its current run killed, and so does an unload.
     */
    <T> T underLease(ServerRequest req, ModelSpec spec, Task task, Function<Runs, T> body) {
        long start = System.nanoTime();
        int status = 500;
        metrics.requestStarted(spec.name(), task.wire());
        CompletableFuture<Void> gone = new CompletableFuture<>();
        AtomicReference<String> revoked = new AtomicReference<>();
        try (ClientWatch.Watch watch = ClientWatch.SHARED.watch(req, () -> gone.complete(null));
             Lease lease = lease(spec.name(), gone)) {
            lease.onRevoke(why -> { // the model is being unloaded: the run ends now, not at its timeout
                revoked.set(why);
                gone.complete(null);
            });
            CommandRunner runner = switch (lease.engine().endpoint()) {
                case Endpoint.Command c -> c.runner();
                case Endpoint.Down down -> throw new EngineException("The engine serving model '" + spec.name()
                        + "' stopped before the request reached it; Hearth starts it again on the next request.");
                case Endpoint.Http h -> throw wrongEngine(spec);
                case Endpoint.InProcess p -> throw wrongEngine(spec);
                case Endpoint.Jobs j -> throw wrongEngine(spec);
            };
            T out = body.apply(new Runs(runner, gone));
            status = 200;
            return out;
        } catch (CancellationException e) {
            HearthException closed = revoked.get() != null ? Abort.revoked(revoked.get()) : Abort.clientClosed();
            status = closed.status();
            throw closed;
        } catch (RuntimeException e) {
            status = Errors.classify(Errors.unwrap(e)).status();
            throw e;
        } finally {
            metrics.requestFinished(spec.name(), task.wire(), status, System.nanoTime() - start);
        }
    }

    private static BadRequestException wrongEngine(ModelSpec spec) {
        return new BadRequestException("Model '" + spec.name() + "' is not served by a command engine.", "model");
    }

    private Lease lease(String model, CompletableFuture<Void> gone) {
        CompletableFuture<Lease> pending = models.acquire(model);
        gone.thenRun(() -> pending.cancel(false));
        try {
            return pending.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Reads the engine's text output (replacing bytes that are not UTF-8). */
    static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
