package dev.hearth.api.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hearth.gateway.Routes;
import dev.hearth.gateway.StaticFiles;
import io.helidon.common.uri.UriInfo;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.regex.Pattern;

/**
 * {@code GET /openapi.json}: the API's OpenAPI 3.1 document (the resource {@code openapi.yaml}
 * beside this class, read once at the first request), with {@code servers} set to the URL the client
 * asked at, so Swagger UI and schemathesis call the server they read it from. {@code GET /docs}: that
 * document in Swagger UI, whose files come from the swagger-ui WebJar in the jar (no CDN; works offline).
 * Both are open without an API key (gateway's {@code ApiKeys.OPEN}).
 */
public final class DocsRoutes {
    /** A file name of the WebJar's folder: no path, no "..". */
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** Parsed at the first GET /openapi.json (class initialisation is once and thread-safe), not at start-up. */
    private static final class Document {
        static final ObjectNode DOCUMENT = load();
    }

    private final byte[] index = resource("index.html");
    /** Swagger UI's files: the gateway's class path file server (ETag, gzip), from the WebJar's folder. */
    private final StaticFiles files = new StaticFiles(DocsRoutes.class.getClassLoader());
    private final String swaggerUi = files.webjar("swagger-ui")
            .orElseThrow(() -> new IllegalStateException("the swagger-ui WebJar is missing from the class path"));

    public void register(HttpRouting.Builder r) {
        r.get("/openapi.json", this::openapi);
        r.get("/docs", (req, res) -> send(res, "text/html; charset=utf-8", index));
        r.get("/docs/", (req, res) -> send(res, "text/html; charset=utf-8", index));
        r.get("/docs/{file}", this::file);
    }

    private void openapi(ServerRequest req, ServerResponse res) {
        ObjectNode doc = Document.DOCUMENT.deepCopy();
        doc.putArray("servers").addObject().put("url", origin(req));
        Routes.json(res, 200, doc);
    }

    /** scheme://host:port as the client addressed this server (its Host header). */
    static String origin(ServerRequest req) {
        UriInfo uri = req.requestedUri();
        return uri.scheme() + "://" + uri.authority();
    }

    private void file(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("file");
        files.send(req, res, FILE.matcher(name).matches() ? swaggerUi + name : swaggerUi + "-", "/docs/" + name);
    }

    private static void send(ServerResponse res, String type, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.send(body);
    }

    private static ObjectNode load() {
        try {
            return (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(resource("openapi.yaml"));
        } catch (IOException e) {
            throw new UncheckedIOException("reading openapi.yaml from the jar", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = DocsRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
