package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hearth.media.TestPdfs;
import dev.hearth.media.TestPdfs.Page;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.hearth.app.DialectSupport.assertError;
import static dev.hearth.app.DialectSupport.json;
import static dev.hearth.app.DialectSupport.postMultipart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * /v1/ocr on PDFs made with PDFBox, read by Debian's tesseract: pages of Helvetica text and a page
 * that is only a Java2D picture of words, by upload and by data URI, all pages or those named in
 * {@code pages}; and the PDFs a client may send by mistake, each a 400 naming its field.
 */
class OcrPdfTest {
    private static final byte[] THREE_PAGES = TestPdfs.pdf(new Page.Text("Hearth reads paper"),
            new Page.Text("Second page 42"), new Page.Picture("Scanned words here"));

    @TempDir
    static Path dir;
    static TestHearth h;

    @BeforeAll
    static void start() {
        DebianEnginesSupport.require();
        h = new TestHearth(dir, "", DebianEnginesSupport.MODELS);
    }

    @AfterAll
    static void stop() {
        if (h != null) h.close();
    }

    /** Lower case, letters and digits only, single spaces: what OCR may vary in is left out. */
    private static String words(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
    }

    private static List<String> texts(HttpResponse<String> r) {
        List<String> texts = new ArrayList<>();
        for (JsonNode page : json(r).path("pages")) texts.add(words(page.path("text").asText()));
        return texts;
    }

    private static String dataUri(byte[] pdf) {
        return "data:application/pdf;base64," + Base64.getEncoder().encodeToString(pdf);
    }

    /** hearth_requests_total of tesseract-eng's successful OCR requests: one per request, however many pages. */
    private static double answered() {
        String wanted = "hearth_requests_total{model=\"tesseract-eng\",route=\"ocr\",status=\"200\"} ";
        return h.get("/metrics").body().lines().filter(l -> l.startsWith(wanted))
                .mapToDouble(l -> Double.parseDouble(l.substring(wanted.length()))).sum();
    }

    @Test
    void ocr_readsEveryPageOfAnUploadedPdf_inOrder_textLayerAndScanAlike() {
        double before = answered();
        HttpResponse<String> r = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file", THREE_PAGES);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // recorded as the request ends, a moment after the client has its answer
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(answered()).as("three pages read under one lease are one request").isEqualTo(before + 1));
        JsonNode pages = json(r).path("pages");
        assertThat(json(r).path("model").asText()).isEqualTo("tesseract-eng");
        assertThat(pages.size()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(pages.path(i).path("index").asInt()).isEqualTo(i);
            assertThat(pages.path(i).path("markdown").asText()).isEqualTo(pages.path(i).path("text").asText());
        }
        assertThat(texts(r)).containsExactly("hearth reads paper", "second page 42", "scanned words here");
        JsonNode dimensions = pages.path(0).path("dimensions");
        assertThat(dimensions.path("dpi").asInt()).isEqualTo(300);
        assertThat(dimensions.path("width").asInt()).isEqualTo(2550);
        assertThat(dimensions.path("height").asInt()).isEqualTo(900);
    }

    @Test
    void ocr_readsOnlyTheNamedPage_ofADataUriInMistralsDocumentShape() {
        HttpResponse<String> r = h.post("/v1/tesseract-eng/ocr", "{\"document\":{\"type\":\"document_url\","
                + "\"document_url\":\"" + dataUri(THREE_PAGES) + "\"},\"pages\":[1]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("pages").size()).isEqualTo(1);
        assertThat(json(r).path("pages").path(0).path("index").asInt()).isEqualTo(1);
        assertThat(texts(r)).containsExactly("second page 42");
    }

    @Test
    void ocr_readsTheNamedPages_ofAnUpload_givenAsAFormField() {
        HttpResponse<String> r = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng", "pages", "2,0"), "file",
                THREE_PAGES);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("pages").findValuesAsText("index")).containsExactly("0", "2");
        assertThat(texts(r)).containsExactly("hearth reads paper", "scanned words here");
    }

    @Test
    void ocr_answersEmptyText_forABlankPage() {
        HttpResponse<String> r = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file",
                TestPdfs.pdf(new Page.Blank(), new Page.Text("After the blank")));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(texts(r)).containsExactly("", "after the blank");
    }

    @Test
    void ocr_refusesAnEncryptedOrBrokenPdf_with400sNamingTheField() {
        byte[] locked = TestPdfs.encrypted(new Page.Text("locked"));
        HttpResponse<String> upload = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file", locked);
        assertError(upload, 400, "file");
        assertThat(json(upload).path("error").path("message").asText()).contains("encrypted");
        assertError(h.post("/v1/ocr", "{\"model\":\"tesseract-eng\",\"document\":\"" + dataUri(locked) + "\"}"),
                400, "document");
        HttpResponse<String> cut = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file",
                TestPdfs.truncated());
        assertError(cut, 400, "file");
        assertThat(json(cut).path("error").path("message").asText()).contains("not a readable PDF")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertError(postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file", "%PDF-1.7 and nothing".getBytes()),
                400, "file");
        HttpResponse<String> text = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file",
                "plain words".getBytes());
        assertError(text, 400, "file");
        assertThat(json(text).path("error").path("message").asText()).contains("image or a PDF");
    }

    @Test
    void ocr_refusesPagesOutOfRangeOrTooMany_with400sNamingPages() {
        String doc = "\"document\":{\"type\":\"document_url\",\"document_url\":\"" + dataUri(THREE_PAGES) + "\"}";
        HttpResponse<String> out = h.post("/v1/ocr", "{\"model\":\"tesseract-eng\"," + doc + ",\"pages\":[0,3]}");
        assertError(out, 400, "pages");
        assertThat(json(out).path("error").path("message").asText())
                .isEqualTo("pages: page 3 is out of range; the document has 3 pages (indices 0 to 2).");
        assertError(h.post("/v1/ocr", "{\"model\":\"tesseract-eng\"," + doc + ",\"pages\":\"1\"}"), 400, "pages");
        assertError(postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng", "pages", "1"), "file",
                AudioOcrRoutesTest.image("one page", "png")), 400, "pages");

        Page[] blank = new Page[101];
        java.util.Arrays.fill(blank, new Page.Blank());
        HttpResponse<String> many = postMultipart(h, "/v1/ocr", Map.of("model", "tesseract-eng"), "file",
                TestPdfs.pdf(blank));
        assertError(many, 400, "pages");
        assertThat(json(many).path("error").path("message").asText()).contains("101 pages").contains("at most 100");
    }
}
