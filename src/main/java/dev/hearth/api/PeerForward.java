package dev.hearth.api;

import dev.hearth.cluster.Cluster;
import dev.hearth.config.ProxyTimeouts;
import dev.hearth.gateway.Abort;
import dev.hearth.gateway.ClientWatch;
import dev.hearth.gateway.Proxy;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Requests handed to another node of the cluster: the same path, the client's key, a header naming
 * this node (so a forwarded request is never forwarded again), and the answer — a stream included —
 * relayed unchanged. One node alone forwards nothing.
 */
public final class PeerForward {
    private static final HeaderName FORWARDED = HeaderNames.create(Cluster.FORWARDED_BY);

    private final Proxy proxy = new Proxy();
    private volatile Cluster cluster;

    /** Several nodes: from now on requests may go to the others. */
    public void cluster(Cluster nodes) {
        this.cluster = nodes;
    }

    /** Whether this request may be forwarded: there are other nodes, and no node forwarded it yet. */
    public boolean may(ServerRequest req) {
        return cluster != null && !req.headers().contains(FORWARDED);
    }

    /** A live node with {@code model} loaded and room, or loading it. */
    public Optional<URI> loaded(String model) {
        Cluster c = cluster;
        return c == null ? Optional.empty() : c.serving(model);
    }

    /** A live node that serves {@code model} at all (loaded there first). */
    public Optional<URI> serving(String model) {
        Cluster c = cluster;
        return c == null ? Optional.empty() : c.serves(model);
    }

    /**
     * Sends the request to {@code peer} and relays its answer; a client that leaves ends the call.
     *
     * @param ends what the last event of a stream may carry ({@link Proxy#DONE} for chat)
     * @return the status the peer answered (499 when the client left first)
     */
    public int forward(ServerRequest req, ServerResponse res, String model, URI peer, HttpRequest.BodyPublisher body,
                       String contentType, boolean stream, java.util.List<byte[]> ends, ProxyTimeouts timeouts) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(Cluster.FORWARDED_BY, cluster.self());
        req.headers().first(HeaderNames.AUTHORIZATION).ifPresent(a -> headers.put("Authorization", a));
        Abort abort = new Abort();
        try (ClientWatch.Watch watch = ClientWatch.SHARED.watch(req,
                () -> abort.abort(Abort.Reason.CLIENT_GONE, Abort.clientClosed()))) {
            // no lease here to give back: the peer that serves it holds the model's
            Proxy.Outcome outcome = proxy.forward(new Proxy.Upstream(model, peer, CompletableFuture::new, () -> {}),
                    req.path().rawPath(), body, contentType, headers, stream, ends, res, timeouts, abort, null, Proxy.Reshape.NONE);
            return outcome.clientGone() ? 499 : outcome.status();
        }
    }
}
