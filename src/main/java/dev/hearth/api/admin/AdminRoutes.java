package dev.hearth.api.admin;

import dev.hearth.gateway.Callers;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.Principal;
import dev.hearth.gateway.ClientText;
import dev.hearth.gateway.Routes;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.LogBuffer;
import dev.hearth.observe.Hardware;
import dev.hearth.observe.Metrics;
import dev.hearth.scheduler.ModelStatus;
import dev.hearth.scheduler.Models;
import dev.hearth.scheduler.UnknownModelException;
import dev.hearth.scheduler.UnloadResult;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.function.Function;

/** /health, /ready, /info, /metrics and the /api/models admin routes. */
public final class AdminRoutes {
    private final Catalog catalog;
    private final Models models;
    private final Metrics metrics;
    private final Hardware hardware;
    private final Function<String, LogBuffer> logs;
    private final String version;

    public AdminRoutes(Catalog catalog, Models models, Metrics metrics, Hardware hardware,
                Function<String, LogBuffer> logs, String version) {
        this.catalog = catalog;
        this.models = models;
        this.metrics = metrics;
        this.hardware = hardware;
        this.logs = logs;
        this.version = version;
    }

    public void register(HttpRouting.Builder r) {
        r.get("/health", (req, res) -> Routes.json(res, 200, status("ok")));
        r.get("/ready", (req, res) -> Routes.json(res, 200, status("ready")));
        r.get("/info", (req, res) -> Routes.json(res, 200, info(Callers.of(req).admin())));
        r.get("/metrics", (req, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
            res.send(metrics.scrape());
        });
        r.get("/api/models", (req, res) -> Routes.json(res, 200, modelsArray(Callers.of(req).admin())));
        r.get("/api/models/{m}", (req, res) -> Routes.json(res, 200, model(spec(req), Callers.of(req).admin())));
        r.post("/api/models/{m}/load", (req, res) -> {
            Callers.of(req).requireAdmin("loading a model");
            Routes.json(res, 200, statusJson(spec(req), models.load(spec(req).name()).join(), true));
        });
        r.post("/api/models/{m}/unload", (req, res) -> {
            Callers.of(req).requireAdmin("unloading a model");
            Routes.json(res, 200, unloaded(models.unload(spec(req).name()).join()));
        });
        r.get("/api/models/{m}/logs", (req, res) -> {
            Callers.of(req).requireAdmin("reading a model's logs");
            logs(req, res);
        });
        r.get("/api/me", (req, res) -> Routes.json(res, 200, me(Callers.of(req))));
    }

    private ModelSpec spec(ServerRequest req) {
        String name = req.path().pathParameters().get("m");
        return catalog.resolve(name).orElseThrow(() -> new UnknownModelException(name));
    }

    private void logs(ServerRequest req, ServerResponse res) {
        ModelSpec spec = spec(req);
        int lines;
        try {
            lines = Integer.parseInt(req.query().first("lines").orElse("200"));
        } catch (NumberFormatException e) {
            throw new BadRequestException("'lines' must be an integer.", "lines");
        }
        LogBuffer buffer = logs.apply(spec.name());
        ObjectNode body = Json.object();
        body.put("model", spec.name());
        ArrayNode array = body.putArray("lines");
        if (buffer != null) {
            buffer.tail(Math.max(0, Math.min(lines, 10_000))).forEach(array::add);
        }
        Routes.json(res, 200, body);
    }

    /** Who the caller is, for the web UI: {name, role, auth}; without keys the name is "local". */
    private ObjectNode me(Principal p) {
        ObjectNode o = Json.object();
        o.put("name", p.name() == null ? "local" : p.name());
        o.put("role", p.role());
        o.put("auth", p != Principal.LOCAL);
        return o;
    }

    private static ObjectNode unloaded(UnloadResult u) {
        ObjectNode o = Json.object();
        o.put("status", u.status());
        o.put("model", u.model());
        o.put("memory_freed_bytes", u.memoryFreedBytes());
        return o;
    }

    private static ObjectNode status(String s) {
        ObjectNode o = Json.object();
        o.put("status", s);
        return o;
    }

    private ObjectNode info(boolean admin) {
        ObjectNode o = Json.object();
        o.put("name", "hearth");
        o.put("version", version);
        ObjectNode memory = o.putObject("memory");
        memory.put("budget_bytes", models.budgetBytes());
        memory.put("used_bytes", models.usedBytes());
        memory.put("free_bytes", Math.max(0, models.budgetBytes() - models.usedBytes()));
        o.set("models", modelsArray(admin));
        ArrayNode gpus = o.putArray("gpus");
        for (Hardware.Gpu gpu : hardware.gpus()) {
            ObjectNode g = gpus.addObject();
            g.put("index", gpu.index());
            g.put("name", gpu.name());
            g.put("memory_total_bytes", gpu.totalBytes());
            g.put("memory_used_bytes", gpu.usedBytes());
        }
        return o;
    }

    /** @param admin whether the caller may read engines' log lines (in {@code last_error}) */
    private ArrayNode modelsArray(boolean admin) {
        // one snapshot for all models: consistent with itself, and one trip to the scheduler, not N
        java.util.Map<String, ModelStatus> states = new java.util.HashMap<>();
        models.status().forEach(st -> states.put(st.name(), st));
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (ModelSpec spec : catalog.all()) {
            array.add(statusJson(spec, states.get(spec.name()), admin));
        }
        return array;
    }

    private ObjectNode model(ModelSpec spec, boolean admin) {
        ModelStatus status = models.status().stream().filter(s -> s.name().equals(spec.name())).findFirst()
                .orElse(null);
        return statusJson(spec, status, admin);
    }

    private static ObjectNode statusJson(ModelSpec spec, ModelStatus status, boolean admin) {
        ObjectNode m = Json.object();
        m.put("name", spec.name());
        m.put("task", spec.task().wire());
        m.put("engine", spec.engine().wire());
        m.put("state", status == null ? "unloaded" : status.state().wire());
        m.put("memory_bytes", spec.memoryBytes());
        m.put("pinned", spec.pinned());
        m.put("idle_unload_seconds", spec.idleUnload().toSeconds());
        m.put("in_flight", status == null ? 0 : status.inFlight());
        m.put("queued", status == null ? 0 : status.queued());
        time(m, "loaded_at", status == null ? null : status.loadedAt());
        time(m, "last_used", status == null ? null : status.lastUsed());
        if (status == null || status.lastError() == null) {
            m.putNull("last_error");
        } else {
            // the engine's log lines can hold other users' prompts: only admins read them
            m.put("last_error", admin ? status.lastError() : ClientText.of(status.lastError(), spec.name()));
        }
        return m;
    }

    private static void time(ObjectNode m, String field, Instant t) {
        if (t == null) {
            m.putNull(field);
        } else {
            m.put(field, t.toString());
        }
    }
}
