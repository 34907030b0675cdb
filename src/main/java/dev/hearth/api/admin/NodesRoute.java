package dev.hearth.api.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import dev.hearth.Json;
import dev.hearth.catalog.Catalog;
import dev.hearth.cluster.Cluster;
import dev.hearth.cluster.Node;
import dev.hearth.gateway.Routes;
import dev.hearth.scheduler.ModelScheduler;
import dev.hearth.scheduler.ModelStatus;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * GET /api/nodes: the nodes sharing this database (their URL, version, devices, what each serves
 * and has loaded, and whether it still heart-beats). A Hearth on SQLite is the only node, and
 * lists itself.
 */
public final class NodesRoute {
    private final Catalog catalog;
    private final ModelScheduler models;
    private final Supplier<URI> url;
    private final String version;
    private final String id;
    private volatile Cluster cluster;

    /** @param url this node's address, known once its server listens */
    public NodesRoute(Catalog catalog, ModelScheduler models, Supplier<URI> url, String version, String id) {
        this.catalog = catalog;
        this.models = models;
        this.url = url;
        this.version = version;
        this.id = id;
    }

    public NodesRoute cluster(Cluster nodes) {
        this.cluster = nodes;
        return this;
    }

    @JsonNaming(SnakeCaseStrategy.class)
    record NodeView(String id, String object, String url, String state, boolean self, String version, String process,
                    JsonNode devices, List<Node.ModelAt> models, List<String> loaded, String startedAt,
                    String heartbeatAt) {}

    @JsonNaming(SnakeCaseStrategy.class)
    record NodeList(String object, List<NodeView> data) {}

    public void register(HttpRouting.Builder r) {
        r.get("/api/nodes", (req, res) -> Routes.json(res, 200, new NodeList("list", nodes())));
    }

    private List<NodeView> nodes() {
        Cluster c = cluster;
        if (c == null) {
            List<Node.ModelAt> here = modelsHere(models, catalog);
            return List.of(new NodeView(id, "node", String.valueOf(url.get()), "alive", true, version, null, null, here,
                    loaded(here), null, Instant.now().toString()));
        }
        return c.nodes().stream().map(n -> new NodeView(n.id(), "node", n.url().toString(), n.alive() ? "alive" : "dead",
                n.id().equals(c.self()), n.version(), n.process(), devices(n.devices()), n.models(), loaded(n.models()),
                n.startedAt().toString(), n.heartbeatAt().toString())).toList();
    }

    /** What this node serves, with each model's state here: what its heartbeat tells the others. */
    public static List<Node.ModelAt> modelsHere(ModelScheduler models, Catalog catalog) {
        return models.status().stream().map(s -> at(s, catalog)).toList();
    }

    private static Node.ModelAt at(ModelStatus s, Catalog catalog) {
        int max = catalog.resolve(s.name()).map(m -> m.maxConcurrency() > 0 ? m.maxConcurrency() : Integer.MAX_VALUE)
                .orElse(1);
        return new Node.ModelAt(s.name(), s.state().wire(), s.inFlight(), max, s.queued());
    }

    private static List<String> loaded(List<Node.ModelAt> models) {
        return models.stream().filter(Node.ModelAt::present).map(Node.ModelAt::name).toList();
    }

    private static JsonNode devices(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            return null;
        }
    }
}
