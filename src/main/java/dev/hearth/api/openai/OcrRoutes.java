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
import dev.hearth.media.MediaType;
import dev.hearth.media.Multipart;
import dev.hearth.media.PdfPages;
import dev.hearth.media.StoredInput;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * POST /v1/ocr (and /v1/{model}/ocr): an image or a PDF by upload (multipart {@code file}), URL or
 * data URI (JSON {@code image}, or {@code document} as a string or {@code {image_url|document_url}}),
 * through the media package's checks, to an OCR command model →
 * {@code {model, pages:[{index, text, markdown}]}}. An image is one run of the command; a form feed
 * in its output (tesseract's page break) starts a new page. A PDF's pages (all, or those named in
 * {@code pages}) are drawn one at a time and read one run each, all under one lease, and each page
 * also says the {@code dimensions} it was drawn at.
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
                    List<Integer> pages = OcrPageSelection.fromForm(f.get(OcrPageSelection.FIELD));
                    Multipart.Upload upload = null;
                    for (String name : new String[] {"file", "image", "document"}) {
                        if (upload == null) upload = form.files().get(name);
                    }
                    StoredInput input;
                    if (upload != null) {
                        input = calls.inputs.fromUpload(id, upload, MediaType.IMAGES_AND_PDF);
                    } else if (f.get("image") != null || f.get("document") != null) {
                        String field = f.get("image") != null ? "image" : "document";
                        input = calls.inputs.fromReference(id, field, f.get(field), MediaType.IMAGES_AND_PDF);
                    } else {
                        throw missing();
                    }
                    answer(req, res, spec, input, pages, id);
                }
            } else {
                ObjectNode body = Json.parseObject(Routes.body(req));
                ModelSpec spec = calls.model(pathModel != null ? pathModel : AudioRoutes.string(body, "model"), Task.OCR,
                        req.path().path());
                List<Integer> pages = OcrPageSelection.fromJson(body.get(OcrPageSelection.FIELD));
                String field = body.hasNonNull("image") ? "image" : "document";
                String reference = reference(body, field);
                answer(req, res, spec, calls.inputs.fromReference(id, field, reference, MediaType.IMAGES_AND_PDF),
                        pages, id);
            }
        } finally {
            calls.inputs.discard(id);
        }
    }

    private static BadRequestException missing() {
        return new BadRequestException("image: required: the image or PDF to read, as a multipart part 'file', or"
                + " 'image' or 'document' with an http(s) URL or a data URI.", "image");
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
        throw new BadRequestException(field + ": expected an http(s) URL or a data URI, or an object with image_url"
                + " or document_url.", field);
    }

    private void answer(ServerRequest req, ServerResponse res, ModelSpec spec, StoredInput input, List<Integer> pages,
                        String id) {
        ObjectNode out = Json.object();
        out.put("model", spec.name());
        ArrayNode read = out.putArray("pages");
        if (input.contentType().equals(MediaType.PDF.contentType())) {
            readPdf(req, spec, input, pages, read);
        } else {
            OcrPageSelection.select(pages, 1); // an image is one page: only [0] may be named
            readImage(req, spec, input, id, read);
        }
        Routes.json(res, 200, out);
    }

    private void readImage(ServerRequest req, ModelSpec spec, StoredInput image, String id, ArrayNode pages) {
        String wanted = calls.settings(spec).inputFormat();
        boolean ready = image.contentType().equals(wanted.equals("jpg") ? "image/jpeg" : "image/png");
        Path input = image.path();
        if (!ready) {
            input = calls.dir(id).resolve("page." + wanted);
            Ffmpeg.toImage(image.field(), image.path(), input, wanted);
        }
        String text = CommandCalls.text(calls.run(req, spec, Task.OCR, input, Map.of()));
        String[] parts = text.split("\f");
        int index = 0;
        for (int i = 0; i < parts.length; i++) {
            String page = parts[i].strip();
            if (page.isEmpty() && i == parts.length - 1 && i > 0) break; // after the last page break
            pages.addObject().put("index", index++).put("text", page).put("markdown", page);
        }
    }

    /**
     * Each chosen page drawn, then read, in its own scratch directory (gone once read, so a long
     * PDF never has more than one page on disk); the pages are checked before the model is leased.
     */
    private void readPdf(ServerRequest req, ModelSpec spec, StoredInput pdf, List<Integer> requested, ArrayNode pages) {
        String format = calls.settings(spec).inputFormat();
        try (PdfPages document = PdfPages.open(pdf.field(), pdf.path())) {
            List<Integer> chosen = OcrPageSelection.select(requested, document.count());
            calls.underLease(req, spec, Task.OCR, runs -> {
                for (int index : chosen) {
                    String pageId = calls.scratch();
                    try {
                        PdfPages.Rendered page = document.render(index, calls.dir(pageId).resolve("page." + format),
                                format);
                        // one image is one page: a form feed in the output is only the engine's page end
                        String text = CommandCalls.text(runs.run(page.file(), Map.of())).replace('\f', '\n').strip();
                        ObjectNode p = pages.addObject().put("index", index).put("text", text).put("markdown", text);
                        p.putObject("dimensions").put("dpi", page.dpi()).put("width", page.width())
                                .put("height", page.height());
                    } finally {
                        calls.inputs.discard(pageId);
                    }
                }
                return null;
            });
        }
    }
}
