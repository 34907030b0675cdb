package dev.hearth.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.Task;
import dev.hearth.config.ModelSpec;
import dev.hearth.engine.EmbeddingBackend;
import dev.hearth.engine.onnx.EmbeddingsApi;
import dev.hearth.observe.Metrics;
import dev.hearth.scheduler.Lease;
import dev.hearth.scheduler.ModelStatus;
import dev.hearth.scheduler.Models;
import dev.hearth.scheduler.UnknownModelException;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The OpenAI-compatible routes: /v1/models, /v1/chat/completions, /v1/completions, /v1/embeddings,
 * and the same under /v1/{model}/… where the path's model wins (as in the DGX Spark stack, so a
 * tool can be given one base URL per model).
 */
final class OpenAiRoutes {
    private final Catalog catalog;
    private final Models models;
    private final Metrics metrics;
    private final Proxy proxy = new Proxy();

    OpenAiRoutes(Catalog catalog, Models models, Metrics metrics) {
        this.catalog = catalog;
        this.models = models;
        this.metrics = metrics;
    }

    void register(HttpRouting.Builder r) {
        r.get("/v1/models", (req, res) -> Routes.json(res, 200, modelList(null)));
        r.get("/v1/models/{model}", (req, res) -> Routes.json(res, 200, modelEntry(req.path().pathParameters().get("model"))));
        r.post("/v1/chat/completions", (req, res) -> serve(req, res, Task.CHAT, null));
        r.post("/v1/completions", (req, res) -> serve(req, res, Task.COMPLETION, null));
        r.post("/v1/embeddings", (req, res) -> serve(req, res, Task.EMBEDDINGS, null));
        r.get("/v1/{model}/models", (req, res) -> Routes.json(res, 200, modelList(pathModel(req))));
        r.post("/v1/{model}/chat/completions", (req, res) -> serve(req, res, Task.CHAT, pathModel(req)));
        r.post("/v1/{model}/completions", (req, res) -> serve(req, res, Task.COMPLETION, pathModel(req)));
        r.post("/v1/{model}/embeddings", (req, res) -> serve(req, res, Task.EMBEDDINGS, pathModel(req)));
    }

    private static String pathModel(ServerRequest req) {
        return req.path().pathParameters().get("model");
    }

    private void serve(ServerRequest req, ServerResponse res, Task task, String pathModel) {
        ObjectNode body = Json.parseObject(Routes.body(req));
        ModelSpec spec = resolve(OpenAiRequests.model(body, pathModel));
        if (!spec.task().serves(task)) {
            throw new BadRequestException("Model '" + spec.name() + "' is a " + spec.task().wire()
                    + " model; it cannot serve " + req.path().path() + ".", "model");
        }
        OpenAiRequests.validate(task, body);
        boolean stream = OpenAiRequests.stream(body);
        // in-JVM embeddings: parse fully now, so a bad request never loads the model
        EmbeddingsApi.Request embeddings = task == Task.EMBEDDINGS && spec.engine().equals("onnx-embeddings")
                ? EmbeddingsApi.parse(body) : null;
        body.put("model", upstreamName(spec));
        long start = System.nanoTime();
        int status = 500;
        metrics.requestStarted(spec.name(), task.wire());
        try (Lease lease = acquire(spec.name())) {
            if (lease.engine() instanceof EmbeddingBackend backend) {
                Routes.json(res, 200, EmbeddingsApi.respond(embeddings, spec.name(), backend));
                status = 200;
            } else {
                Proxy.Outcome outcome = proxy.forward(lease.engine(), upstreamPath(task), body, stream, res);
                status = outcome.status();
                if (stream && outcome.firstByteNanos() > 0) {
                    metrics.timeToFirstToken(spec.name(), outcome.firstByteNanos());
                }
            }
        } catch (RuntimeException e) {
            status = Errors.classify(Errors.unwrap(e)).status();
            throw e;
        } finally {
            metrics.requestFinished(spec.name(), task.wire(), status, System.nanoTime() - start);
        }
    }

    /**
     * The name the engine knows the model by. Presets start it with --served-model-name / --alias set
     * to the Hearth name; a hand-written `cmd: vllm serve ${MODEL} …` serves it under `model:` instead.
     */
    private static String upstreamName(ModelSpec spec) {
        Object model = spec.options().get("model");
        return spec.options().containsKey("preset") || model == null ? spec.name() : model.toString();
    }

    private Lease acquire(String model) {
        CompletableFuture<Lease> pending = models.acquire(model);
        try {
            return pending.join();
        } catch (RuntimeException e) {
            pending.cancel(false); // withdraw from the queue if we were interrupted while waiting
            throw e;
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

    private ModelSpec resolve(String name) {
        return catalog.resolve(name).orElseThrow(() -> new UnknownModelException(name));
    }

    private ObjectNode modelList(String only) {
        Map<String, ModelStatus> states = models.status().stream()
                .collect(Collectors.toMap(ModelStatus::name, Function.identity()));
        ObjectNode list = Json.object();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (ModelSpec spec : only == null ? catalog.all() : java.util.List.of(resolve(only))) {
            data.add(entry(spec, states.get(spec.name())));
        }
        return list;
    }

    private ObjectNode modelEntry(String name) {
        ModelSpec spec = resolve(name);
        return entry(spec, models.status().stream().filter(s -> s.name().equals(spec.name())).findFirst().orElse(null));
    }

    private static ObjectNode entry(ModelSpec spec, ModelStatus status) {
        ObjectNode m = Json.object();
        m.put("id", spec.name());
        m.put("object", "model");
        m.put("created", 0);
        m.put("owned_by", "hearth");
        m.put("task", spec.task().wire());
        m.put("engine", spec.engine());
        if (spec.engine().equals("testsrc")) {
            m.put("description", dev.hearth.engine.testsrc.TestsrcWorkerMain.DESCRIPTION);
        }
        m.put("state", status == null ? "unloaded" : status.state().wire());
        ArrayNode aliases = m.putArray("aliases");
        spec.aliases().forEach(aliases::add);
        return m;
    }

}
