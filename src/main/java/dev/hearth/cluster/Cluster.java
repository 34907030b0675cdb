package dev.hearth.cluster;

import dev.hearth.jobs.Peers;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * This node among the others on one PostgreSQL, as the rest of Hearth asks about them: which live
 * node has a model loaded (its queued jobs and its requests are best served there), and who they all are.
 */
public final class Cluster implements AutoCloseable {
    /** A request forwarded by a node carries this header (its id), and is never forwarded again. */
    public static final String FORWARDED_BY = "Hearth-Forwarded-By";

    private final Nodes nodes;
    private final PostgresEventBus bus;

    public Cluster(Nodes nodes, PostgresEventBus bus) {
        this.nodes = nodes;
        this.bus = bus;
    }

    public String self() { return nodes.self(); }

    /** Every node the database knows, alive ones first. */
    public List<Node> nodes() { return nodes.all(); }

    /** For the dispatchers: a model loaded or loading on another live node. */
    public Peers peers() {
        return model -> nodes.peers().stream().anyMatch(n -> {
            Node.ModelAt m = n.model(model);
            return m != null && m.present();
        });
    }

    /**
     * Another live node with {@code model} loaded and room for one more request (the least busy), else
     * one loading it (better to wait there than to load a second copy here).
     */
    public Optional<URI> serving(String model) {
        return nodes.peers().stream()
                .filter(n -> n.model(model) != null && (n.model(model).free() || n.model(model).state().equals("loading")))
                .min(Comparator.comparing((Node n) -> n.model(model).state().equals("loading"))
                        .thenComparingInt(n -> n.model(model).inFlight()))
                .map(Node::url);
    }

    /**
     * A live node that serves {@code model} at all (for a model this node has no entry for): one with it
     * loaded and free first, else one loading it, else the one with the fewest requests queued for it.
     */
    public Optional<URI> serves(String model) {
        Optional<URI> loaded = serving(model);
        if (loaded.isPresent()) return loaded;
        return nodes.peers().stream().filter(n -> n.model(model) != null)
                .min(Comparator.comparingInt(n -> n.model(model).queued() + n.model(model).inFlight()))
                .map(Node::url);
    }

    @Override
    public void close() {
        nodes.close();
        bus.close();
    }
}
