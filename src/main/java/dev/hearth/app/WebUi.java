package dev.hearth.app;

import dev.hearth.gateway.StaticFiles;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The browser UI: {@code GET /} is its page, {@code /ui/…} its scripts and style (the resources
 * under {@code dev/hearth/web/}), {@code /webjars/<name>/…} the libraries it imports (Lit, uPlot,
 * marked) from their WebJars, without a version in the URL (the page's import map names them so).
 * All of it is in the jar: nothing to install, no CDN, works offline. These routes are open without
 * a key (gateway's {@code ApiKeys.open}): the files hold no data; the page asks for a key itself.
 */
final class WebUi {
    private static final String ROOT = "dev/hearth/web/";
    private static final Pattern IMPORT_MAP = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL);
    private final StaticFiles files = new StaticFiles(WebUi.class.getClassLoader());
    private final String policy = policy();

    void register(HttpRouting.Builder r) {
        r.get("/", (req, res) -> {
            res.header("Content-Security-Policy", policy);
            files.send(req, res, ROOT + "index.html", "/");
        });
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

    /**
     * The page's Content-Security-Policy: scripts only from this server plus the page's one inline
     * script, its import map (allowed by its hash, computed here so an edit of the map needs
     * nothing else). A model's output that slipped past the page's sanitizing still could not run
     * a script, load one from elsewhere, or send anything anywhere but here.
     */
    private static String policy() {
        String page;
        try (InputStream in = WebUi.class.getClassLoader().getResourceAsStream(ROOT + "index.html")) {
            if (in == null) throw new IllegalStateException(ROOT + "index.html is missing from the jar");
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher m = IMPORT_MAP.matcher(page);
        if (!m.find()) throw new IllegalStateException(ROOT + "index.html has no import map");
        String hash;
        try {
            hash = Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return "default-src 'self'; script-src 'self' 'sha256-" + hash + "'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}
