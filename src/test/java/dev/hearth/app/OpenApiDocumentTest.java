package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** /openapi.json and /docs as served; each documented route answered by a real route. */
class OpenApiDocumentTest {
    /** Endless streams: a request to them would not return. */
    private static final Set<String> ENDLESS = Set.of("/api/events");

    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        h = new TestHearth(dir, "", DialectSupport.TESTSRC);
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    @Test
    void openapiJson_isOpenApi31_withThisServersUrl_andTheErrorEnvelope() {
        HttpResponse<String> r = h.get("/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode doc = DialectSupport.json(r);
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(doc.path("servers").path(0).path("url").asText()).isEqualTo(h.hearth.baseUri().toString());
        JsonNode error = doc.at("/components/schemas/Error/properties/error");
        assertThat(error.path("required")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("message", "type", "param", "code");
    }

    @Test
    void docs_isSwaggerUiFromTheJar_pointedAtOpenapiJson() {
        HttpResponse<String> page = h.get("/docs");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("url: \"/openapi.json\"").contains("/docs/swagger-ui-bundle.js")
                .doesNotContain("https://");
        for (String file : List.of("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css")) {
            HttpResponse<String> r = h.get("/docs/" + file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.body()).as(file).hasSizeGreaterThan(1000);
        }
        assertThat(h.get("/docs/swagger-ui.css").headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/css");
        HttpResponse<String> missing = h.get("/docs/nothing.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(DialectSupport.json(missing).at("/error/code").asText()).isEqualTo("not_found");
    }

    /** The gateway's 404 for no route says "No route for"; a route's own 404 names the model or job. */
    @Test
    void everyDocumentedOperation_reachesARoute() {
        JsonNode paths = DialectSupport.json(h.get("/openapi.json")).path("paths");
        List<String> unrouted = new ArrayList<>();
        paths.fieldNames().forEachRemaining(path -> paths.path(path).fieldNames().forEachRemaining(method -> {
            // HEAD's 404 has no body to tell "no route" from "no job"; its GET twin is checked
            if (method.equals("parameters") || method.equals("head") || ENDLESS.contains(path)) return;
            String concrete = path.replaceAll("\\{[^}]+}", "nosuchthing");
            HttpResponse<String> r = h.send(HttpRequest.newBuilder(h.uri(concrete))
                    .method(method.toUpperCase(Locale.ROOT), HttpRequest.BodyPublishers.noBody()).build());
            if (r.statusCode() == 404 && r.body().contains("No route for") || r.statusCode() == 405) {
                unrouted.add(method.toUpperCase(Locale.ROOT) + " " + path);
            }
        }));
        assertThat(unrouted).isEmpty();
        assertThat(paths.size()).isGreaterThanOrEqualTo(50);
    }
}
