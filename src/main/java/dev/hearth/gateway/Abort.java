package dev.hearth.gateway;

import dev.hearth.HearthException;

import java.util.ArrayList;
import java.util.List;

/**
 * Why one proxied request must stop now, from whichever thread noticed first: the client closed
 * its connection, a proxy timeout ran out, or the scheduler wants the lease back (unload). The
 * first reason wins; every hook (withdraw from the queue, cancel the upstream call, close its
 * body) runs once, at once if the request was already aborted. Hooks must not block.
 */
public final class Abort {
    public enum Reason { CLIENT_GONE, CONNECT_TIMEOUT, FIRST_BYTE_TIMEOUT, CHUNK_TIMEOUT, REVOKED }

    /** The reason and the error the client is told (never sent for CLIENT_GONE: nobody listens). */
    public record Why(Reason reason, HearthException error) {}

    private final List<Runnable> hooks = new ArrayList<>();
    private Why why;

    /** True if this call aborted the request; false if it already was. */
    public boolean abort(Reason reason, HearthException error) {
        List<Runnable> run;
        synchronized (this) {
            if (why != null) {
                return false;
            }
            why = new Why(reason, error);
            run = List.copyOf(hooks);
            hooks.clear();
        }
        run.forEach(Abort::quietly);
        return true;
    }

    public void onAbort(Runnable hook) {
        synchronized (this) {
            if (why == null) {
                hooks.add(hook);
                return;
            }
        }
        quietly(hook);
    }

    public synchronized Why why() { return why; }

    public boolean clientGone() {
        Why w = why();
        return w != null && w.reason() == Reason.CLIENT_GONE;
    }

    private static void quietly(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException ignored) {
            // closing something already closed: the request is over either way
        }
    }

    // ---- the errors a client sees ---------------------------------------------------------------

    public static HearthException clientClosed() {
        return new ApiError(499, "invalid_request_error", "client_closed_request",
                "The client closed the connection.", null);
    }

    /** A 504: "Model 'm' {what} ({key}); the request was cancelled." — short, no engine log lines. */
    static HearthException timeout(String model, String what, String key) {
        return new ApiError(504, "server_error", "engine_timeout",
                "Model '" + model + "' " + what + " (" + key + "); the request was cancelled.", null);
    }

    public static HearthException revoked(String why) {
        return new ApiError(503, "server_error", "model_unloaded", why, null);
    }

    static String human(java.time.Duration d) {
        if (d.toMillis() < 1000) return d.toMillis() + " ms";
        return d.toSecondsPart() == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
    }
}
