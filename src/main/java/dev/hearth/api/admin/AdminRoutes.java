package dev.hearth.api.admin;

import dev.hearth.gateway.Callers;
import dev.hearth.BadRequestException;
import dev.hearth.Principal;
import dev.hearth.gateway.ClientText;
import dev.hearth.gateway.Routes;
import dev.hearth.catalog.Catalog;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.LogBuffer;
import dev.hearth.observe.Hardware;
import dev.hearth.observe.Metrics;
import dev.hearth.scheduler.ModelStatus;
import dev.hearth.scheduler.ModelScheduler;
import dev.hearth.scheduler.UnknownModelException;
import dev.hearth.scheduler.UnloadResult;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** /health, /ready, /info, /metrics and the /api/models admin routes. */
public final class AdminRoutes {
    private final Catalog catalog;
    private final ModelScheduler models;
    private final Metrics metrics;
    private final Hardware hardware;
    private final Function<String, LogBuffer> logs;
    private final String version;

    public AdminRoutes(Catalog catalog, ModelScheduler models, Metrics metrics, Hardware hardware,
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
        r.get("/api/models", (req, res) -> Routes.json(res, 200, modelsList(Callers.of(req).admin())));
        r.get("/api/models/{m}", (req, res) -> Routes.json(res, 200, model(spec(req), Callers.of(req).admin())));
        r.post("/api/models/{m}/load", (req, res) -> {
            Callers.of(req).requireAdmin("loading a model");
            Routes.json(res, 200, view(spec(req), models.load(spec(req).name()).join(), true));
        });
        r.post("/api/models/{m}/unload", (req, res) -> {
            Callers.of(req).requireAdmin("unloading a model");
            Routes.json(res, 200, unloaded(models.unload(spec(req).name()).join()));
        });
        r.post("/api/models/{m}/pin", (req, res) -> {
            Callers.of(req).requireAdmin("pinning a model");
            Routes.json(res, 200, view(spec(req), models.pin(spec(req).name(), true).join(), true));
        });
        r.post("/api/models/{m}/unpin", (req, res) -> {
            Callers.of(req).requireAdmin("unpinning a model");
            Routes.json(res, 200, view(spec(req), models.pin(spec(req).name(), false).join(), true));
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
        Routes.json(res, 200, new AdminDtos.Logs(spec.name(),
                buffer == null ? List.of() : List.copyOf(buffer.tail(Math.max(0, Math.min(lines, 10_000))))));
    }

    /** Who the caller is, for the web UI: {name, role, auth}; without keys the name is "local". */
    private AdminDtos.Me me(Principal p) {
        return new AdminDtos.Me(p.name() == null ? "local" : p.name(), p.role(), p != Principal.LOCAL);
    }

    private static AdminDtos.Unloaded unloaded(UnloadResult u) {
        return new AdminDtos.Unloaded(u.status(), u.model(), u.memoryFreedBytes());
    }

    private static AdminDtos.Status status(String s) {
        return new AdminDtos.Status(s);
    }

    private AdminDtos.Info info(boolean admin) {
        var memory = new AdminDtos.Memory(models.budgetBytes(), models.usedBytes(),
                Math.max(0, models.budgetBytes() - models.usedBytes()));
        List<AdminDtos.DeviceView> devices = models.devices().stream().map(u -> new AdminDtos.DeviceView(
                u.device().index(), u.device().name(), u.device().gpu(), u.device().budgetBytes(), u.usedBytes(),
                Math.max(0, u.device().budgetBytes() - u.usedBytes()))).toList();
        return new AdminDtos.Info("hearth", version, memory, devices, modelsList(admin), hardware.gpus().stream()
                .map(g -> new AdminDtos.Gpu(g.index(), g.name(), g.totalBytes(), g.usedBytes())).toList());
    }

    /** @param admin whether the caller may read engines' log lines (in {@code last_error}) */
    private List<AdminDtos.ModelView> modelsList(boolean admin) {
        // one snapshot for all models: consistent with itself, and one trip to the scheduler, not N
        java.util.Map<String, ModelStatus> states = new java.util.HashMap<>();
        models.status().forEach(st -> states.put(st.name(), st));
        return catalog.all().stream().map(spec -> view(spec, states.get(spec.name()), admin)).toList();
    }

    private AdminDtos.ModelView model(ModelSpec spec, boolean admin) {
        ModelStatus status = models.status().stream().filter(s -> s.name().equals(spec.name())).findFirst()
                .orElse(null);
        return view(spec, status, admin);
    }

    private AdminDtos.ModelView view(ModelSpec spec, ModelStatus status, boolean admin) {
        String lastError = status == null || status.lastError() == null ? null
                // the engine's log lines can hold other users' prompts: only admins read them
                : admin ? status.lastError() : ClientText.of(status.lastError(), spec.name());
        return new AdminDtos.ModelView(spec.name(), spec.task().wire(), spec.engine().wire(),
                spec.options().get("preset") instanceof String preset ? preset : null,
                status == null ? "unloaded" : status.state().wire(),
                status == null ? Math.max(0, spec.memoryBytes()) : status.memoryBytes(),
                spec.memoryBytes() >= 0 ? spec.memoryBytes() : null,
                status == null ? null : status.measuredBytes(), status == null ? null : status.measuredBy(),
                status == null ? List.of() : status.devices(),
                status == null ? spec.pinned() : status.pinned(),
                spec.idleUnload().toSeconds(), status == null ? 0 : status.inFlight(),
                status == null ? 0 : status.queued(), spec.maxConcurrency(), spec.maxConcurrencySource(),
                time(status == null ? null : status.loadedAt()),
                time(status == null ? null : status.lastUsed()), lastError, spec.defaults(),
                spec.runsJobs() ? spec.jobs().limits().toMap() : java.util.Map.of(),
                spec.runsJobs() ? catalog.enhancerOf(spec) : null);
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}
