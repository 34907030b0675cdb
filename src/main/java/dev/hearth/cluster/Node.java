package dev.hearth.cluster;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * One node as the shared database knows it: where it is reached, what it serves, and whether it
 * still heart-beats.
 *
 * @param process the job store's name for its process, as job leases and history rows carry it
 * @param devices the node's devices, as its /info lists them (JSON)
 * @param models  every model it serves, with its state there
 */
public record Node(String id, URI url, String version, String process, String devices, List<ModelAt> models,
                   Instant startedAt, Instant heartbeatAt, boolean alive) {
    public Node {
        models = List.copyOf(models);
    }

    /**
     * A model on a node: its state there (a {@code ModelState}'s wire name), the requests it serves
     * now, how many it may, and the work queued for it there.
     */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ModelAt(String name, String state, int inFlight, int maxConcurrency, int queued) {
        /** Loaded (or loading): a request or job for it is best served there. */
        public boolean present() {
            return state.equals("ready") || state.equals("busy") || state.equals("loading");
        }

        /** Loaded with room for one more request. */
        public boolean free() {
            return (state.equals("ready") || state.equals("busy")) && inFlight < maxConcurrency;
        }
    }

    public ModelAt model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst().orElse(null);
    }
}
