package dev.hearth.api.openai;

import dev.hearth.gateway.Abort;
import dev.hearth.gateway.LoadingStream;
import dev.hearth.scheduler.ModelStatus;
import io.helidon.webserver.http.ServerResponse;

/**
 * A streaming request that asked for progress ({@link LoadingStream}) while it waits for its
 * model: the stream opens at the first note, a second into the wait.
 */
final class Waiting {
    private final ServerResponse res;
    private final LoadingStream.Mode mode;
    private final String model;
    private final long startNanos;
    private final Abort abort;
    LoadingStream stream;

    Waiting(ServerResponse res, LoadingStream.Mode mode, String model, long startNanos, Abort abort) {
        this.res = res;
        this.mode = mode;
        this.model = model;
        this.startNanos = startNanos;
        this.abort = abort;
    }

    void note(java.util.List<ModelStatus> status) {
        ModelStatus s = status.stream().filter(x -> x.name().equals(model)).findFirst().orElse(null);
        if (s == null) return;
        if (stream == null) stream = LoadingStream.open(res, mode, model);
        Long eta = s.etaSeconds(java.time.Instant.now());
        long elapsed = (System.nanoTime() - startNanos) / 1_000_000_000L;
        if (!stream.note(s.state().wire(), elapsed, eta)) {
            abort.abort(Abort.Reason.CLIENT_GONE, Abort.clientClosed()); // withdraws the request
        }
    }
}
