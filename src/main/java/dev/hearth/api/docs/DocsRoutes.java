package dev.hearth.api.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.hearth.gateway.Routes;
import io.helidon.common.uri.UriInfo;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@code GET /openapi.json}: the API's OpenAPI 3.1 document (the resource {@code openapi.yaml}
 * beside this class, read once), with {@code servers} set to the URL the client asked at, so
 * Swagger UI and schemathesis call the server they read it from. {@code GET /docs}: that document
 * in Swagger UI, whose files come from the swagger-ui WebJar in the jar (no CDN; works offline).
 * Both are open without an API key (gateway's {@code ApiKeys.OPEN}).
 */
public final class DocsRoutes {
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    /** A file name of the WebJar's folder: no path, no "..". */
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final ObjectNode document = load();
    private final byte[] index = resource("index.html");
    private final String swaggerUi = WEBJAR + swaggerUiVersion() + "/";

    public void register(HttpRouting.Builder r) {
        r.get("/openapi.json", this::openapi);
        r.get("/docs", (req, res) -> send(res, "text/html; charset=utf-8", index));
        r.get("/docs/", (req, res) -> send(res, "text/html; charset=utf-8", index));
        r.get("/docs/{file}", this::file);
    }

    private void openapi(ServerRequest req, ServerResponse res) {
        ObjectNode doc = document.deepCopy();
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
        byte[] bytes = FILE.matcher(name).matches() ? webjarFile(name) : null;
        if (bytes == null) {
            throw new NotFound(name);
        }
        send(res, contentType(name), bytes);
    }

    private byte[] webjarFile(String name) {
        try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream(swaggerUi + name)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(ServerResponse res, String type, byte[] body) {
        res.header(HeaderNames.CONTENT_TYPE, type);
        res.send(body);
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return switch (dot < 0 ? "" : name.substring(dot + 1)) {
            case "html" -> "text/html; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "png" -> "image/png";
            case "map", "json" -> "application/json";
            default -> "application/octet-stream";
        };
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

    /** The WebJar's version, from its Maven metadata, so a version bump in the pom needs nothing here. */
    private static String swaggerUiVersion() {
        try (InputStream in = DocsRoutes.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui WebJar is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file Swagger UI does not have: the usual 404 envelope. */
    private static final class NotFound extends dev.hearth.HearthException {
        NotFound(String name) {
            super(404, "invalid_request_error", "not_found", "No file '" + name + "' under /docs/.");
        }
    }
}
