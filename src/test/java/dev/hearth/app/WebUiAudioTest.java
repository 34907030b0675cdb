package dev.hearth.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.FilePayload;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Audio and OCR screens in a real Chromium on Debian's real engines (pocketsphinx, espeak-ng,
 * tesseract as command models): pocketsphinx-testdata's "go forward ten meters", spoken "hello world"
 * played by the page, Java2D text read back. Skipped where the engines are missing, failed under CI.
 */
class WebUiAudioTest extends WebUiBrowser {

    /** A Hearth on Debian's engines (transcription, speech, OCR) rather than chat and video. */
    @BeforeAll
    static void startHearth() throws Exception {
        DebianEnginesSupport.require();
        h = new TestHearth(dir, "api_keys_file: " + keysFile(), DebianEnginesSupport.MODELS);
    }

    private static Page.GetByRoleOptions named(String name) {
        return new Page.GetByRoleOptions().setName(name).setExact(true);
    }

    @Test
    void nav_showsAudioAndOcr_becauseTheirModelsExist() {
        signIn(BOB);
        expect(page.locator("nav a")).hasText(new String[] {"Chat", "Video studio", "Audio", "OCR", "Gallery", "Jobs", "Health"});
    }

    @Test
    void audio_transcribesGoForward_showingTheTextAndTimedSegments() throws Exception {
        Path wav = DebianEnginesSupport.goForward(dir, "wav");
        signIn(ADMIN);
        go("audio");
        page.getByLabel("Transcription model").selectOption("pocketsphinx-en-us");
        page.locator("#hear-file").setInputFiles(wav);
        expect(page.locator(".picked")).containsText("goforward.wav");
        page.getByLabel("Response format").selectOption("verbose_json");
        page.getByLabel("Word timestamps").check();
        page.getByRole(AriaRole.BUTTON, named("Transcribe")).click();

        Locator text = page.getByTestId("transcript");
        expect(text).containsText("forward");
        String heard = text.textContent().toLowerCase();
        long words = Stream.of("go", "forward", "ten", "meters").filter(w -> heard.matches("(?s).*\\b" + w + "\\b.*")).count();
        assertThat(words).as(heard).isGreaterThanOrEqualTo(3);
        Locator segment = page.getByTestId("segments").locator("tbody tr").first();
        expect(segment.locator("td").nth(0)).hasText(Pattern.compile("0:0\\d\\.\\d\\d"));
        expect(segment.locator("td").nth(1)).hasText(Pattern.compile("0:0\\d\\.\\d\\d"));
        expect(segment.locator("td").nth(2)).containsText("forward");
        expect(page.getByTestId("words")).containsText("forward");
        Chromium.screenshot(page, "audio-transcribe");
    }

    @Test
    void audio_transcribesAsAJob_showingItsStateThenTheTranscriptAndItsFiles() {
        Path wav = DebianEnginesSupport.goForward(dir, "wav");
        signIn(ADMIN);
        go("audio");
        page.getByLabel("Transcription model").selectOption("pocketsphinx-en-us");
        page.locator("#hear-file").setInputFiles(wav);
        page.locator("#hear-job").check();
        page.getByRole(AriaRole.BUTTON, named("Transcribe")).click();

        expect(page.getByTestId("transcribe-job-state")).hasText("succeeded");
        expect(page.getByTestId("transcript")).containsText("forward");
        for (String name : List.of("transcript.txt", "transcript.srt", "transcript.vtt", "transcript.json")) {
            expect(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(name))).isVisible();
        }
        expect(page.getByTestId("segments").locator("tbody tr").first().locator("td").nth(2)).containsText("forward");
    }

    @Test
    void audio_speaksHelloWorld_andThePagePlaysIt() {
        signIn(ADMIN);
        go("audio");
        page.getByLabel("Speech model").selectOption("espeak-ng");
        page.getByLabel("Text", new Page.GetByLabelOptions().setExact(true)).fill("hello world");
        expect(page.locator("#say-count")).hasText("11 / 4096 characters");
        page.getByLabel("Voice").fill("nova");
        page.getByRole(AriaRole.BUTTON, named("Speak")).click();

        expect(page.getByTestId("speech")).isVisible();
        page.waitForFunction("() => { const a = document.querySelector('[data-testid=speech]'); return a && a.readyState >= 1; }");
        double duration = ((Number) page.evaluate("() => document.querySelector('[data-testid=speech]').duration")).doubleValue();
        assertThat(duration).isGreaterThan(0.3).isLessThan(10);
        expect(page.getByText("Download speech.mp3")).hasAttribute("href", Pattern.compile("^blob:"));
        Chromium.screenshot(page, "audio-speak");
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        Chromium.screenshot(page, "audio-dark");
        page.setViewportSize(390, 844);
        Chromium.screenshot(page, "audio-phone");
        assertThat(page.evaluate("document.documentElement.scrollWidth")).isEqualTo(390);
    }

    @Test
    void audio_showsTheApisOwn400_forATextFileAsAudio() throws Exception {
        signIn(ADMIN);
        go("audio");
        page.locator("#hear-file").setInputFiles(new FilePayload("notes.txt", "text/plain", "not audio at all".getBytes()));
        Response r = page.waitForResponse("**/v1/audio/transcriptions",
                () -> page.getByRole(AriaRole.BUTTON, named("Transcribe")).click());
        assertThat(r.status()).isEqualTo(400);
        String message = new ObjectMapper().readTree(r.text()).path("error").path("message").asText();
        assertThat(message).contains("file");
        expect(page.locator("hearth-audio [role=alert]")).hasText(message);
        expect(page.getByTestId("transcript")).hasCount(0);

        page.getByLabel("Text", new Page.GetByLabelOptions().setExact(true)).fill("hi");
        page.getByLabel("Voice").fill("en; rm -rf /");
        page.getByRole(AriaRole.BUTTON, named("Speak")).click();
        expect(page.locator("section[aria-labelledby=say-title] [role=alert]")).containsText("voice");
        expect(page.getByTestId("speech")).hasCount(0);
    }

    /** Engines' output is untrusted: markup in a transcript or an OCR page shows as text, never as elements. */
    @Test
    void transcriptsAndOcrPages_showMarkupAsText() {
        String evil = "<img src=x onerror=alert(1)><b>bold</b>";
        page.route("**/v1/audio/transcriptions", r -> r.fulfill(new Route.FulfillOptions()
                .setStatus(200).setContentType("application/json").setBody("""
                        {"text":"%1$s","duration":1.5,"segments":[{"id":0,"start":0.25,"end":1.5,"text":"%1$s"}]}"""
                        .formatted(evil))));
        page.route("**/v1/ocr", r -> r.fulfill(new Route.FulfillOptions()
                .setStatus(200).setContentType("application/json").setBody("""
                        {"model":"tesseract-eng","pages":[{"index":0,"text":"%1$s","markdown":"%1$s"}]}""".formatted(evil))));
        signIn(ADMIN);
        go("audio");
        page.locator("#hear-file").setInputFiles(new FilePayload("a.wav", "audio/wav", new byte[] {1, 2, 3}));
        page.getByLabel("Response format").selectOption("verbose_json");
        page.getByRole(AriaRole.BUTTON, named("Transcribe")).click();
        expect(page.getByTestId("transcript")).hasText(evil);
        expect(page.getByTestId("segments").locator("tbody tr td").nth(0)).hasText("0:00.25");
        expect(page.getByTestId("segments").locator("tbody tr td").nth(2)).hasText(evil);
        go("ocr");
        page.locator("#ocr-file").setInputFiles(new FilePayload("x.png", "image/png", AudioOcrRoutesTest.image("x", "png")));
        page.getByRole(AriaRole.BUTTON, named("Read text")).click();
        expect(page.getByTestId("ocr-page").locator("pre.text")).hasText(evil);
        expect(page.locator("main img:not(.preview), main b")).hasCount(0);
    }

    @Test
    void audioAndOcr_takeADroppedOrPastedFile() {
        signIn(ADMIN);
        for (String screen : List.of("audio", "ocr")) {
            go(screen);
            expect(page.locator("main .drop")).isVisible();
            for (String how : List.of("paste", "drop")) {
                page.evaluate("""
                        async ([how, screen]) => {
                          const type = screen === 'ocr' ? 'image/png' : 'audio/wav';
                          const dt = new DataTransfer();
                          dt.items.add(new File([new Uint8Array([1, 2, 3])], how + '.bin', { type }));
                          const target = document.querySelector(how === 'paste' ? 'main h1 + div' : 'main .drop');
                          target.dispatchEvent(how === 'paste'
                            ? new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })
                            : new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
                        }""", List.of(how, screen));
                expect(page.locator("main .picked")).containsText(how + ".bin");
            }
        }
    }

    @Test
    void ocr_copyPutsThePagesTextOnTheClipboard() {
        context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
        page.route("**/v1/ocr", r -> r.fulfill(new Route.FulfillOptions().setStatus(200).setContentType("application/json")
                .setBody("{\"pages\":[{\"index\":0,\"text\":\"first page\"},{\"index\":1,\"text\":\"second\\npage\"}]}")));
        signIn(ADMIN);
        go("ocr");
        page.locator("#ocr-file").setInputFiles(new FilePayload("x.png", "image/png", AudioOcrRoutesTest.image("x", "png")));
        page.getByRole(AriaRole.BUTTON, named("Read text")).click();
        expect(page.getByTestId("ocr-page").locator("h2")).hasText(new String[] {"Page 1", "Page 2"});
        page.getByLabel("Copy the text of page 2").click();
        expect(page.getByTestId("ocr-page").nth(1).getByRole(AriaRole.STATUS)).hasText("Copied.");
        assertThat(page.evaluate("() => navigator.clipboard.readText()")).isEqualTo("second\npage");
    }

    @Test
    void audio_recordIsDisabled_withAReason_whereThePageHasNoMediaDevices() {
        page.addInitScript("Object.defineProperty(Navigator.prototype, 'mediaDevices', { get: () => undefined, configurable: true })");
        signIn(ADMIN);
        go("audio");
        Locator record = page.getByRole(AriaRole.BUTTON, named("Record"));
        expect(record).isDisabled();
        expect(record).hasAccessibleDescription(Pattern.compile("needs a microphone"));
    }

    @Test
    void ocr_readsJava2dText_perPage() {
        signIn(ADMIN);
        go("ocr");
        page.getByLabel("OCR model").selectOption("tesseract-eng");
        page.locator("#ocr-file").setInputFiles(new FilePayload("sign.png", "image/png",
                AudioOcrRoutesTest.image("HEARTH OCR 42", "png")));
        expect(page.locator("img.preview")).hasAttribute("alt", "The image to read: sign.png");
        page.getByRole(AriaRole.BUTTON, named("Read text")).click();

        Locator pageText = page.getByTestId("ocr-page");
        expect(pageText).hasCount(1);
        expect(pageText.locator("h2")).hasText("Page 1");
        expect(pageText.locator("pre.text")).hasText("HEARTH OCR 42");
        expect(pageText.getByLabel("Copy the text of page 1")).isVisible();
        Chromium.screenshot(page, "ocr");
        page.setViewportSize(390, 844);
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        Chromium.screenshot(page, "ocr-phone-dark");
        assertThat(page.evaluate("document.documentElement.scrollWidth")).isEqualTo(390);
    }

    @Test
    void ocr_readsEachPageOfAPdf_withoutAnImagePreview() {
        byte[] pdf = dev.hearth.media.TestPdfs.pdf(new dev.hearth.media.TestPdfs.Page.Text("Hearth reads paper"),
                new dev.hearth.media.TestPdfs.Page.Picture("Scanned words here"));
        signIn(ADMIN);
        go("ocr");
        page.getByLabel("OCR model").selectOption("tesseract-eng");
        page.locator("#ocr-file").setInputFiles(new FilePayload("report.pdf", "application/pdf", pdf));
        expect(page.locator("main .picked")).containsText("report.pdf · PDF");
        expect(page.locator("img.preview")).hasCount(0);
        page.getByRole(AriaRole.BUTTON, named("Read text")).click();

        Locator pages = page.getByTestId("ocr-page");
        expect(pages.locator("h2")).hasText(new String[] {"Page 1", "Page 2"});
        expect(pages.locator("pre.text")).hasText(new String[] {"Hearth reads paper", "Scanned words here"});
    }

    @Test
    void audioAndOcr_everyControlHasALabel() {
        signIn(ADMIN);
        for (String screen : List.of("audio", "ocr")) {
            go(screen);
            expect(page.locator("nav a[aria-current=page]")).hasText(screen.equals("ocr") ? "OCR" : "Audio");
            page.waitForFunction("() => document.querySelector('main h1')");
            Object unlabeled = page.evaluate("""
                    () => [...document.querySelectorAll('main input, main select, main textarea, main button')]
                      .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                      .map(e => e.outerHTML.slice(0, 80))""");
            assertThat((List<?>) unlabeled).as(screen).isEmpty();
        }
    }
}
