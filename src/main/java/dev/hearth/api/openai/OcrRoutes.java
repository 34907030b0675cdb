package dev.hearth.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.BadRequestException;
import dev.hearth.Json;
import dev.hearth.catalog.CommandSettings;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.catalog.Task;
import dev.hearth.gateway.Routes;
import dev.hearth.media.Ffmpeg;
import dev.hearth.media.Multipart;
import dev.hearth.media.StoredInput;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * POST /v1/ocr (and /v1/{model}/ocr): an image by upload (multipart {@code file}), URL or data URI
 * (JSON {@code image}, or {@code document} as a string or {@code {image_url|document_url}}), through
 * the media package's checks, to an OCR command model → {@code {model, pages:[{index, text, markdown}]}}.
 * A form feed in the engine's output (tesseract's page break) starts a new page.
 */
final class OcrRoutes {
    private final CommandCalls calls;

    OcrRoutes(CommandCalls calls) {
        this.calls = calls;
    }

    void register(HttpRouting.Builder r) {
        r.post("/v1/ocr", (req, res) -> ocr(req, res, null));
        r.post("/v1/{model}/ocr", (req, res) -> ocr(req, res, AudioRoutes.pathModel(req)));
    }

    private void ocr(ServerRequest req, ServerResponse res, String pathModel) {
        String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        String id = calls.scratch();
        try {
            if (type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
                try (Multipart.Form form = calls.inputs.parseMultipart(Routes.bodyStream(req), type,
                        req.headers().contentLength().orElse(-1))) {
                    Map<String, String> f = form.fields();
                    ModelSpec spec = calls.model(pathModel != null ? pathModel : f.get("model"), Task.OCR,
                            req.path().path());
                    Multipart.Upload upload = form.files().containsKey("file") ? form.files().get("file")
                            : form.files().get("image");
                    StoredInput image;
                    if (upload != null) {
                        image = calls.inputs.fromUpload(id, upload);
                    } else if (f.get("image") != null) {
                        image = calls.inputs.fromReference(id, "image", f.get("image"));
                    } else {
                        throw missing();
                    }
                    answer(req, res, spec, image, id);
                }
            } else {
                ObjectNode body = Json.parseObject(Routes.body(req));
                ModelSpec spec = calls.model(pathModel != null ? pathModel : AudioRoutes.string(body, "model"), Task.OCR,
                        req.path().path());
                String field = body.hasNonNull("image") ? "image" : "document";
                String reference = reference(body, field);
                answer(req, res, spec, calls.inputs.fromReference(id, field, reference), id);
            }
        } finally {
            calls.inputs.discard(id);
        }
    }

    private static BadRequestException missing() {
        return new BadRequestException("image: required: the image to read, as a multipart part 'file', or 'image'"
                + " with an http(s) URL or a data URI.", "image");
    }

    /** image: "url"; document: "url" or {"type": …, "image_url"|"document_url": "url" or {"url": "url"}}. */
    private static String reference(ObjectNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) throw missing();
        if (n.isTextual()) return n.asText();
        if (n.isObject()) {
            for (String k : new String[] {"image_url", "document_url", "url"}) {
                JsonNode v = n.get(k);
                if (v != null && v.isTextual()) return v.asText();
                if (v != null && v.isObject() && v.path("url").isTextual()) return v.path("url").asText();
            }
        }
        throw new BadRequestException(field + ": expected an http(s) URL or a data URI, or an object with image_url.",
                field);
    }

    private void answer(ServerRequest req, ServerResponse res, ModelSpec spec, StoredInput image, String id) {
        CommandSettings settings = calls.settings(spec);
        String wanted = settings.inputFormat();
        boolean ready = image.contentType().equals(wanted.equals("jpg") ? "image/jpeg" : "image/png");
        Path input = image.path();
        if (!ready) {
            input = calls.dir(id).resolve("page." + wanted);
            Ffmpeg.toImage(image.field(), image.path(), input, wanted);
        }
        String text = CommandCalls.text(calls.run(req, spec, Task.OCR, input, Map.of()));
        ObjectNode out = Json.object();
        out.put("model", spec.name());
        ArrayNode pages = out.putArray("pages");
        String[] parts = text.split("\f");
        int index = 0;
        for (int i = 0; i < parts.length; i++) {
            String page = parts[i].strip();
            if (page.isEmpty() && i == parts.length - 1 && i > 0) break; // after the last page break
            pages.addObject().put("index", index++).put("text", page).put("markdown", page);
        }
        Routes.json(res, 200, out);
    }
}
