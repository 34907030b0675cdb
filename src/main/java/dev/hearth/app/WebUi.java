package dev.hearth.app;

import dev.hearth.gateway.StaticFiles;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The browser UI: {@code GET /} is its page, {@code /ui/…} its scripts and style (the resources
 * under {@code dev/hearth/web/}), {@code /webjars/<name>/…} the libraries it imports (Lit, uPlot,
 * marked) from their WebJars, without a version in the URL (the page's import map names them so).
 * All of it is in the jar: nothing to install, no CDN, works offline. These routes are open without
 * a key (gateway's {@code ApiKeys.open}): the files hold no data; the page asks for a key itself.
 */
final class WebUi {
    private static final String ROOT = "dev/hearth/web/";
    private final StaticFiles files = new StaticFiles(WebUi.class.getClassLoader());

    void register(HttpRouting.Builder r) {
        r.get("/", (req, res) -> files.send(req, res, ROOT + "index.html", "/"));
        r.get("/ui/*", this::ui);
        r.get("/webjars/*", this::webjar);
    }

    private void ui(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String rest = path.substring("/ui/".length());
        files.send(req, res, StaticFiles.safe(rest) ? ROOT + rest : ROOT + "-", path);
    }

    private void webjar(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String rest = path.substring("/webjars/".length());
        int slash = rest.indexOf('/');
        String folder = slash > 0 && StaticFiles.safe(rest) ? files.webjar(rest.substring(0, slash)).orElse(null) : null;
        files.send(req, res, folder == null ? ROOT + "-" : folder + rest.substring(slash + 1), path);
    }
}
