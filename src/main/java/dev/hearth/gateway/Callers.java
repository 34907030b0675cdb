package dev.hearth.gateway;

import dev.hearth.Principal;
import io.helidon.webserver.http.ServerRequest;

/** Finds who sent a request: the principal the key check put in the request's context. */
public final class Callers {
    private Callers() {}

    /** The caller of a request: the key's principal, or {@link Principal#LOCAL} when Hearth has no keys. */
    public static Principal of(ServerRequest req) {
        return req.context().get(Principal.class).orElse(Principal.LOCAL);
    }
}
