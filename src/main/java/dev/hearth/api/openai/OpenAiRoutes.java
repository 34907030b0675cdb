package dev.hearth.api.openai;

import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.gateway.Abort;
import dev.hearth.gateway.ClientWatch;
import dev.hearth.gateway.Errors;
import dev.hearth.gateway.LoadingStream;
import dev.hearth.HearthException;
import dev.hearth.gateway.Proxy;
import dev.hearth.gateway.Routes;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.EngineException;
import dev.hearth.catalog.EngineKind;
import dev.hearth.engine.Endpoint;
import dev.hearth.engine.Engine;
import dev.hearth.media.AudioInputs;
import dev.hearth.media.Inputs;
import dev.hearth.observe.Metrics;
import dev.hearth.scheduler.Lease;
import dev.hearth.scheduler.ModelStatus;
import dev.hearth.NoCapacityException;
import dev.hearth.QueueFullException;
import dev.hearth.scheduler.ModelScheduler;
import dev.hearth.scheduler.UnknownModelException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.hearth.api.PeerForward;
import dev.hearth.config.ProxyTimeouts;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The OpenAI-compatible routes: /v1/models, /v1/chat/completions, /v1/completions, /v1/embeddings,
 * /v1/audio/transcriptions and /translations ({@link TranscriptionRoutes}), /v1/audio/speech
 * ({@link AudioRoutes}), /v1/ocr ({@link OcrRoutes}) and /v1/responses ({@link ResponsesRoutes}),
 * and the same under /v1/{model}/… where the path's model wins (as in the DGX Spark stack, so a
 * tool can be given one base URL per model).
 */
public final class OpenAiRoutes {
    private final Catalog catalog;
    private final ModelScheduler models;
    private final Metrics metrics;
    private final Proxy proxy = new Proxy();

    private final PeerForward peers;
    private final AudioRoutes audio;
    private final TranscriptionRoutes transcriptions;
    private final OcrRoutes ocr;
    private final ResponsesRoutes responses;
    private final ResponseStore conversations;

    /** @param recordings uploads to transcribe, with their own cap (media.max_audio_bytes) */
    /** @param peers the other nodes, where a request for a model loaded there is served */
    public OpenAiRoutes(Catalog catalog, ModelScheduler models, Metrics metrics, Inputs inputs, AudioInputs recordings,
                        PeerForward peers) {
        this.peers = peers;
        this.catalog = catalog;
        this.models = models;
        this.metrics = metrics;
        CommandCalls calls = new CommandCalls(catalog, models, metrics, inputs);
        this.audio = new AudioRoutes(calls, this);
        this.transcriptions = new TranscriptionRoutes(calls, this, recordings);
        this.ocr = new OcrRoutes(calls);
        this.conversations = new ResponseStore(ResponseStore.CAPACITY, ResponseStore.TTL, java.time.Clock.systemUTC());
        this.responses = new ResponsesRoutes(this, conversations);
    }

    /** Several nodes: /v1/responses conversations are kept in the shared database too, for every node. */
    public void shareResponses(javax.sql.DataSource db) {
        conversations.share(new dev.hearth.cluster.SharedConversations(db, ResponseStore.TTL, java.time.Clock.systemUTC()));
    }

    public void register(HttpRouting.Builder r) {
        r.get("/v1/models", (req, res) -> Routes.json(res, 200, modelList(null)));
        r.get("/v1/models/{model}", (req, res) -> Routes.json(res, 200, modelEntry(req.path().pathParameters().get("model"))));
        r.post("/v1/chat/completions", (req, res) -> serve(req, res, Task.CHAT, null));
        r.post("/v1/completions", (req, res) -> serve(req, res, Task.COMPLETION, null));
        r.post("/v1/embeddings", (req, res) -> serve(req, res, Task.EMBEDDINGS, null));
        r.get("/v1/{model}/models", (req, res) -> Routes.json(res, 200, modelList(pathModel(req))));
        r.post("/v1/{model}/chat/completions", (req, res) -> serve(req, res, Task.CHAT, pathModel(req)));
        r.post("/v1/{model}/completions", (req, res) -> serve(req, res, Task.COMPLETION, pathModel(req)));
        r.post("/v1/{model}/embeddings", (req, res) -> serve(req, res, Task.EMBEDDINGS, pathModel(req)));
        audio.register(r);
        transcriptions.register(r);
        ocr.register(r);
        responses.register(r);
    }

    private static String pathModel(ServerRequest req) {
        return req.path().pathParameters().get("model");
    }

    private void serve(ServerRequest req, ServerResponse res, Task task, String pathModel) {
        byte[] bytes = Routes.body(req);
        refuseIfQueueFull(bytes, pathModel, task);
        ObjectNode body = Json.parseObject(bytes);
        String name = OpenAiRequests.model(body, pathModel);
        if (peers.may(req) && catalog.resolve(name).isEmpty()) {
            // a model this node does not serve, that another live node does: served there
            URI elsewhere = peers.serving(name).orElse(null);
            if (elsewhere != null) {
                forwardToPeer(req, res, name, ProxyTimeouts.DEFAULTS, task, elsewhere, bytes, OpenAiRequests.stream(body),
                        List.of(Proxy.DONE));
                return;
            }
        }
        ModelSpec spec = resolve(name);
        if (!spec.task().serves(task)) {
            throw new BadRequestException("Model '" + spec.name() + "' is a " + spec.task().wire()
                    + " model; it cannot serve " + req.path().path() + ".", "model");
        }
        OpenAiRequests.validate(task, body);
        boolean rewritten = OpenAiRequests.applyDefaults(body, spec.defaults());
        boolean stream = OpenAiRequests.stream(body);
        if (servedByPeer(req, res, spec, task, bytes, stream, List.of(Proxy.DONE))) return;
        LoadingStream.Mode feedback = stream && task != Task.EMBEDDINGS ? LoadingStream.requested(req, task == Task.CHAT)
                : null;
        // in-JVM embeddings: parse fully now, so a bad request never loads the model
        EmbeddingsApi.Request embeddings = task == Task.EMBEDDINGS && spec.engine().serves() == EngineKind.Serves.IN_PROCESS
                ? EmbeddingsApi.parse(body) : null;
        rewritten |= OpenAiRequests.nameUpstream(body, spec.upstreamName());
        // the client's own bytes where nothing was changed: no second serialisation per request
        byte[] upstreamBody = rewritten ? Json.bytes(body) : bytes;
        long start = System.nanoTime();
        // from here every wait (queue, first byte, chunks) ends when the client leaves
        Abort abort = new Abort();
        Waiting waiting = feedback == null ? null : new Waiting(res, feedback, spec.name(), start, abort);
        leased(req, res, spec, task, abort, waiting, lease -> switch (lease.engine().endpoint()) {
            case Endpoint.InProcess in -> {
                var answer = EmbeddingsApi.respond(
                        embeddings != null ? embeddings : EmbeddingsApi.parse(body), spec.name(), in.embeddings());
                lease.close(); // the engine's part is done: the lease goes back before the client has the answer
                Routes.json(res, 200, answer);
                yield 200;
            }
            case Endpoint.Http http -> relay(lease, http, spec, upstreamPath(task), Proxy.bytes(upstreamBody),
                    "application/json", stream, List.of(Proxy.DONE), res, abort,
                    waiting == null || waiting.stream == null ? null : waiting.stream.out(), Proxy.Reshape.NONE);
            default -> throw notServed(spec, req, lease.engine().endpoint());
        });
    }

    /**
     * Several nodes: a model not loaded here but loaded, with room, on another live node is served
     * there, the request's own bytes forwarded — unless this request was forwarded already (it is then
     * served here, whatever it takes).
     *
     * @return whether a peer served it
     */
    boolean servedByPeer(ServerRequest req, ServerResponse res, ModelSpec spec, Task task, byte[] bytes, boolean stream,
                         List<byte[]> ends) {
        if (!peers.may(req) || models.loaded(spec.name())) return false;
        URI peer = peers.loaded(spec.name()).orElse(null);
        if (peer == null) return false;
        forwardToPeer(req, res, spec.name(), spec.proxy(), task, peer, bytes, stream, ends);
        return true;
    }

    /**
     * The request's own bytes, to the same path on the peer: a peer that fails is this request's
     * failure (a 502), not a reason to load the model here too.
     */
    private void forwardToPeer(ServerRequest req, ServerResponse res, String model, ProxyTimeouts timeouts, Task task,
                               URI peer, byte[] bytes, boolean stream, List<byte[]> ends) {
        long start = System.nanoTime();
        int status = 500;
        metrics.requestStarted(model, task.wire());
        try {
            status = peers.forward(req, res, model, peer, Proxy.bytes(bytes),
                    "application/json", stream, ends, timeouts);
        } catch (RuntimeException e) {
            status = Errors.classify(Errors.unwrap(e)).status();
            throw e;
        } finally {
            metrics.requestFinished(model, task.wire(), status, System.nanoTime() - start);
        }
    }

    /**
     * A request already read and checked (an audio upload rebuilt for the engine, a speech request)
     * proxied to its HTTP model, with the same lease, client watch and metrics as a chat.
     */
    void forward(ServerRequest req, ServerResponse res, ModelSpec spec, Task task, String path,
                 HttpRequest.BodyPublisher body, String contentType, boolean stream) {
        forward(req, res, spec, task, path, body, contentType, stream, List.of(Proxy.TRANSCRIPT_DONE), Proxy.Reshape.NONE);
    }

    /**
     * @param ends    what the engine's stream may end with ({@link Proxy#DONE} for chat)
     * @param reshape how the engine's answer reaches the client (a Responses request translated to chat)
     */
    void forward(ServerRequest req, ServerResponse res, ModelSpec spec, Task task, String path,
                 HttpRequest.BodyPublisher body, String contentType, boolean stream, List<byte[]> ends,
                 Proxy.Reshape reshape) {
        Abort abort = new Abort();
        leased(req, res, spec, task, abort, null, lease -> {
            if (lease.engine().endpoint() instanceof Endpoint.Http http) {
                return relay(lease, http, spec, path, body, contentType, stream, ends, res, abort, null, reshape);
            }
            throw notServed(spec, req, lease.engine().endpoint());
        });
    }

    /** The lease goes back once the engine's answer is read whole, before the client has its end. */
    private int relay(Lease lease, Endpoint.Http http, ModelSpec spec, String path, HttpRequest.BodyPublisher body,
                      String contentType, boolean stream, List<byte[]> ends, ServerResponse res, Abort abort,
                      java.io.OutputStream opened, Proxy.Reshape reshape) {
        Proxy.Upstream upstream = new Proxy.Upstream(spec.name(), http.baseUrl(), lease.engine()::crashed, lease::close);
        Proxy.Outcome outcome = proxy.forward(upstream, path, body, contentType, Map.of(), stream, ends, res,
                spec.proxy(), abort, opened, reshape);
        if (stream && outcome.firstByteNanos() > 0) metrics.timeToFirstToken(spec.name(), outcome.firstByteNanos());
        if (outcome.tokens() > 0) metrics.tokens(spec.name(), outcome.tokens());
        return outcome.clientGone() ? CLIENT_GONE : outcome.status();
    }

    private static HearthException notServed(ModelSpec spec, ServerRequest req, Endpoint endpoint) {
        return switch (endpoint) {
            case Endpoint.Jobs jobs -> new BadRequestException("Model '" + spec.name() + "' runs queued jobs; submit"
                    + " them to /v1/jobs" + (spec.task() == Task.TRANSCRIPTION ? " with task transcribe." : "."), "model");
            case Endpoint.Down down -> new EngineException("The engine serving model '" + spec.name()
                    + "' stopped before the request reached it; Hearth starts it again on the next request.");
            default -> new BadRequestException("Model '" + spec.name() + "' is a " + spec.task().wire()
                    + " model; it cannot serve " + req.path().path() + ".", "model");
        };
    }

    /**
     * Runs {@code work} under the model's lease: it waits in the model's queue, withdraws when the
     * client leaves, ends when the model is unloaded under it, and records the request's metrics.
     * {@code work} answers the status it sent.
     */
    private void leased(ServerRequest req, ServerResponse res, ModelSpec spec, Task task, Abort abort, Waiting waiting,
                        java.util.function.ToIntFunction<Lease> work) {
        long start = System.nanoTime();
        int status = 500;
        metrics.requestStarted(spec.name(), task.wire());
        try (ClientWatch.Watch watch = ClientWatch.SHARED.watch(req,
                () -> abort.abort(Abort.Reason.CLIENT_GONE, Abort.clientClosed()));
             Lease lease = acquireLive(spec.name(), abort, waiting)) {
            lease.onRevoke(why -> abort.abort(Abort.Reason.REVOKED, Abort.revoked(why)));
            status = work.applyAsInt(lease);
        } catch (RuntimeException e) {
            if (waiting != null && waiting.stream != null) { // the 200 is out: the error is the stream's last event
                HearthException error = abort.clientGone() ? null : Errors.classify(Errors.unwrap(e));
                status = error == null ? CLIENT_GONE : error.status();
                if (error != null) waiting.stream.fail(error);
                return;
            }
            if (abort.clientGone()) {
                status = CLIENT_GONE; // nobody listens; Helidon still wants an answer, and the write fails quietly
                sendQuietly(res, abort.why().error());
                return;
            }
            status = Errors.classify(Errors.unwrap(e)).status();
            throw e;
        } finally {
            metrics.requestFinished(spec.name(), task.wire(), status, System.nanoTime() - start);
        }
    }

    private static void sendQuietly(ServerResponse res, Throwable error) {
        try {
            Errors.send(res, error);
        } catch (RuntimeException closed) {
            // the connection is gone, as expected
        }
    }

    /** nginx's status for "the client closed the connection first", as metrics record it. */
    private static final int CLIENT_GONE = 499;

    /**
     * A 429 storm is answered from the model name alone: no body tree, no validation, no trip
     * through the scheduler's thread (which the requests being served need); past a burst each
     * refusal is answered a second late ({@link dev.hearth.gateway.RefusalPacer}).
     */
    void refuseIfQueueFull(byte[] bytes, String pathModel, Task task) {
        String name = pathModel != null ? pathModel : OpenAiRequests.peekModel(bytes);
        ModelSpec spec = name == null ? null : catalog.resolve(name).orElse(null);
        QueueFullException full = spec == null ? null : models.queueFull(spec.name());
        if (full != null) {
            metrics.requestStarted(spec.name(), task.wire());
            metrics.requestFinished(spec.name(), task.wire(), full.status(), 0);
            throw full;
        }
    }

    /** Waits in the model's queue; a client that leaves meanwhile withdraws it (and its place) at once. */
    /** How long a request waits for a dead engine's crash to reach the scheduler before it gives up. */
    private static final java.time.Duration CRASH_REPORT_WAIT = java.time.Duration.ofSeconds(30);

    /**
     * A lease on an engine that still runs. An engine that just died reports its crash only once
     * its orphans are stopped (so their memory is never counted free too early); a lease granted in
     * that moment names an engine with no address. Such a lease is handed back, the crash awaited,
     * and the request asks again: the scheduler then starts a fresh engine for it.
     */
    private Lease acquireLive(String model, Abort abort, Waiting waiting) {
        long giveUpAt = System.nanoTime() + CRASH_REPORT_WAIT.toNanos();
        while (true) {
            Lease lease = acquire(model, abort, waiting);
            Engine engine = lease.engine();
            if (!(engine.endpoint() instanceof Endpoint.Down)) {
                return lease;
            }
            lease.close();
            long left = giveUpAt - System.nanoTime();
            try {
                if (left <= 0) {
                    throw new TimeoutException();
                }
                engine.crashed().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                throw new NoCapacityException("The engine for model '" + model + "' has stopped and is not"
                        + " running again yet; retry in a few seconds.", 5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NoCapacityException("Interrupted while model '" + model + "' restarts.", 5);
            }
        }
    }

    private Lease acquire(String model, Abort abort, Waiting waiting) {
        CompletableFuture<Lease> pending = models.acquireToWait(model); // only waited for, below
        abort.onAbort(() -> pending.cancel(false));
        try {
            if (waiting == null) return pending.join();
            while (true) {
                try {
                    return pending.get(1, java.util.concurrent.TimeUnit.SECONDS);
                } catch (TimeoutException stillWaiting) {
                    waiting.note(models.status());
                } catch (java.util.concurrent.ExecutionException failed) {
                    throw failed.getCause() instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(failed.getCause());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new java.util.concurrent.CancellationException("interrupted");
                }
            }
        } catch (RuntimeException e) {
            pending.cancel(false); // withdraw from the queue if we were interrupted while waiting
            Abort.Why why = abort.why();
            throw why != null && e instanceof java.util.concurrent.CancellationException ? why.error() : e;
        }
    }

    private static String upstreamPath(Task task) {
        return switch (task) {
            case CHAT -> "/v1/chat/completions";
            case COMPLETION -> "/v1/completions";
            case EMBEDDINGS -> "/v1/embeddings";
            default -> throw new IllegalArgumentException(task.toString());
        };
    }

    ModelSpec resolve(String name) {
        return catalog.resolve(name).orElseThrow(() -> new UnknownModelException(name));
    }

    private OpenAiDtos.ModelList modelList(String only) {
        Map<String, ModelStatus> states = models.status().stream()
                .collect(Collectors.toMap(ModelStatus::name, Function.identity()));
        return new OpenAiDtos.ModelList((only == null ? catalog.all() : java.util.List.of(resolve(only))).stream()
                .map(spec -> entry(spec, states.get(spec.name()))).toList());
    }

    private OpenAiDtos.Model modelEntry(String name) {
        ModelSpec spec = resolve(name);
        return entry(spec, models.status().stream().filter(s -> s.name().equals(spec.name())).findFirst().orElse(null));
    }

    private static OpenAiDtos.Model entry(ModelSpec spec, ModelStatus status) {
        return new OpenAiDtos.Model(spec.name(), "model", 0, "hearth", spec.task().wire(), spec.engine().wire(),
                spec.engine().description(), status == null ? "unloaded" : status.state().wire(), spec.aliases());
    }
}
