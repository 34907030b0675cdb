package dev.hearth.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.FilePayload;
import dev.hearth.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The web UI's screens in a real Chromium: sign-in, video studio, gallery, jobs, models, health, roles, the event stream. */
class WebUiTest extends WebUiBase {
    @Test
    void signIn_withAKey_showsWhatThatKeyMayDo_andAWrongKeyIsRefused() {
        page.navigate(h.uri("/").toString());
        expect(page.getByLabel("API key")).isVisible();
        Chromium.screenshot(page, "signin");
        page.getByLabel("API key").fill("sk-wrong-key-000000");
        page.getByText("Sign in", new Page.GetByTextOptions().setExact(true)).click();
        expect(page.getByRole(com.microsoft.playwright.options.AriaRole.ALERT)).containsText("API key");

        page.getByLabel("API key").fill(ADMIN);
        page.getByText("Sign in", new Page.GetByTextOptions().setExact(true)).click();
        expect(page.getByTestId("whoami")).hasText("root · admin");
        expect(page.locator("nav a")).hasText(new String[] {"Chat", "Video studio", "Gallery", "Jobs", "Models", "Health"});
        expect(page.locator(".conn")).hasText("live");
        // the key is kept: a reload stays signed in
        page.reload();
        expect(page.getByTestId("whoami")).hasText("root · admin");
    }

    @Test
    void studio_imageToVideo_showsTheJob_andPlaysTheVideoWithItsDuration() throws Exception {
        signIn(ADMIN);
        go("studio");
        page.getByLabel("Prompt", new Page.GetByLabelOptions().setExact(true)).fill("a lighthouse at dusk");
        page.locator("#studio-image").setInputFiles(new FilePayload("start.png", "image/png", png()));
        expect(page.locator("img.preview")).isVisible();
        expect(page.getByLabel("Size")).hasValue("160x96"); // the model's defaults
        expect(page.getByLabel("Seconds")).hasValue("1");
        // a job ahead holds testsrc (one job at a time): this one waits in the queue until it is cancelled
        String ahead = heldJob(ADMIN, "ahead");
        await().atMost(WAIT).until(() -> json(send(ADMIN, "GET", "/v1/jobs/" + ahead, null)).path("state").asText(),
                "running"::equals);
        page.getByText("Generate", new Page.GetByTextOptions().setExact(true)).click();

        Locator job = page.locator(".result .job");
        expect(job.getByTestId("job-progress")).hasText("queued, position 1");
        send(ADMIN, "DELETE", "/v1/jobs/" + ahead, null);
        expect(job.getByTestId("job-state")).hasText("succeeded");
        assertThat(job.locator("header").textContent()).contains("i2v");
        page.waitForFunction("() => { const v = document.querySelector('.result video'); return v && v.readyState >= 1; }");
        double duration = ((Number) page.evaluate("() => document.querySelector('.result video').duration")).doubleValue();
        assertThat(duration).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.2));
        expect(job.getByTestId("job-seed")).hasText(Pattern.compile("\\d+"));
        expect(page.locator("#studio-model")).containsText("testsrc (ready)"); // busy while it ran
        // the whole (small) file loaded, so the screenshot shows a frame, not a spinner
        page.waitForFunction("() => { const v = document.querySelector('.result video'); return v.readyState >= 3 && v.networkState === 1; }");
        Chromium.screenshot(page, "studio");
        String seed = job.getByTestId("job-seed").textContent();
        page.getByText("Use these settings again").click();
        expect(page.getByLabel("Seed", new Page.GetByLabelOptions().setExact(true))).hasValue(seed);
        expect(page.getByLabel("Random seed")).not().isChecked();
        expect(page.locator("#studio-prompt")).hasValue("a lighthouse at dusk");

        page.setViewportSize(390, 844); // a phone
        Chromium.screenshot(page, "studio-phone");
    }

    @Test
    void studio_showsTheApisError_forASizeTheModelRefuses() {
        signIn(ADMIN);
        go("studio");
        page.getByLabel("Prompt", new Page.GetByLabelOptions().setExact(true)).fill("odd size");
        page.getByLabel("Size").fill("161x96");
        page.getByText("Generate", new Page.GetByTextOptions().setExact(true)).click();
        // the 400's own message, naming the field
        expect(page.locator("hearth-studio [role=alert]")).containsText("size");
        expect(page.locator(".result .job")).hasCount(0);
    }

    @Test
    void studio_takesAnImage_pastedOrDropped_andShowsIt() {
        signIn(ADMIN);
        go("studio");
        expect(page.locator("#studio-prompt")).isVisible();
        for (String how : List.of("paste", "drop")) {
            page.evaluate("""
                    async (how) => {
                      const c = document.createElement('canvas');
                      c.width = 8; c.height = 8;
                      const blob = await new Promise(ok => c.toBlob(ok, 'image/png'));
                      const dt = new DataTransfer();
                      dt.items.add(new File([blob], how + '.png', { type: 'image/png' }));
                      const target = how === 'paste' ? document.querySelector('.studio') : document.querySelector('.drop');
                      target.dispatchEvent(how === 'paste'
                        ? new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })
                        : new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
                    }""", how);
            expect(page.locator("img.preview")).hasAttribute("alt", "Start image: " + how + ".png");
            page.getByText("Remove image").click();
            expect(page.locator("img.preview")).hasCount(0);
        }
    }

    @Test
    void everyControl_hasALabel_onEveryScreen() {
        signIn(ADMIN);
        for (String screen : List.of("chat", "studio", "gallery", "jobs", "models", "health")) {
            go(screen);
            expect(page.locator("nav a[aria-current=page]")).isVisible();
            page.waitForFunction("() => document.querySelector('main h1')");
            Object unlabeled = page.evaluate("""
                    () => [...document.querySelectorAll('main input, main select, main textarea, main button')]
                      .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
                      .map(e => e.outerHTML.slice(0, 80))""");
            assertThat((List<?>) unlabeled).as(screen).isEmpty();
        }
    }

    @Test
    void gallery_showsAFinishedVideo_andItsDetails() {
        HttpResponse<String> r = send(ADMIN, "POST", "/v1/jobs", "{\"model\":\"testsrc\",\"prompt\":\"gallery piece\"}");
        String id = json(r).path("id").asText();
        await().atMost(WAIT).until(() -> json(send(ADMIN, "GET", "/v1/jobs/" + id, null)).path("state").asText(),
                s -> s.equals("succeeded"));
        signIn(ADMIN);
        go("gallery");
        Locator tile = page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Open job " + id + ": gallery piece"));
        expect(tile).isVisible();
        Chromium.screenshot(page, "gallery");
        tile.hover(); // plays on hover
        page.waitForFunction("() => { const v = document.querySelector('.tile video'); return v && !v.paused; }");
        tile.click();
        Locator dialog = page.getByRole(com.microsoft.playwright.options.AriaRole.DIALOG);
        expect(dialog).containsText("gallery piece");
        JsonNode video = json(send(ADMIN, "GET", "/v1/jobs/" + id, null)).path("outputs").get(0);
        expect(dialog).containsText(video.path("sha256").asText());
        Chromium.screenshot(page, "gallery-open");

        page.onDialog(d -> d.accept()); // "Delete job …?"
        dialog.getByText("Delete", new Locator.GetByTextOptions().setExact(true)).click();
        expect(tile).hasCount(0);
        assertThat(send(ADMIN, "GET", "/v1/jobs/" + id, null).statusCode()).isEqualTo(404);
    }

    @Test
    void jobs_cancelARunningJob_andTheTableUpdatesLive() {
        Locator row = runningJobRow(heldJob(ADMIN, "held for the jobs table"));
        expect(row).containsText(Pattern.compile("\\d+%|step \\d+/\\d+")); // its progress
        expect(row).containsText("root"); // the owner column, for an admin
        Chromium.screenshot(page, "jobs");
        row.getByText("Cancel").click();
        expect(row.locator(".badge")).hasText("cancelled");
        page.getByLabel("State").selectOption("running"); // a filter: the cancelled job leaves the table
        expect(row).hasCount(0);
    }

    /**
     * The race CI once lost: the cancel's own reply ("cancelling") reached the page after the event
     * "cancelled", and the row stayed "cancelling". A late reply or event never moves a job back.
     */
    @Test
    void jobs_aReplyArrivingAfterTheFinalEvent_doesNotMoveTheJobBack() {
        String id = heldJob(ADMIN, "held for the late reply");
        Locator badge = runningJobRow(id).locator(".badge");
        page.evaluate("""
                async id => {
                  const { store } = await import('/ui/app.js');
                  const row = { id, object: 'job', model: 'testsrc', state: 'cancelled', prompt: 'held for the late reply' };
                  store.job(row);                               // the event: cancelled
                  store.job({ ...row, state: 'cancelling' });  // then the DELETE's reply, late
                  store.job({ ...row, state: 'running' });     // and a progress event later still
                }""", id);
        expect(badge).hasText("cancelled");
        assertThat(page.evaluate("async id => (await import('/ui/app.js')).store.jobs.get(id).state", id)).isEqualTo("cancelled");
    }

    /** The jobs screen, signed in as the admin, showing job {@code id} running: its row. */
    private Locator runningJobRow(String id) {
        signIn(ADMIN);
        go("jobs");
        Locator row = page.locator("tr[data-job='" + id + "']");
        expect(row.locator(".badge")).hasText("running");
        return row;
    }

    @Test
    void models_unloadFromTheDashboard_changesItsStateLive() {
        assertThat(send(ADMIN, "POST", "/api/models/testsrc/load", "").statusCode()).isEqualTo(200);
        signIn(ADMIN);
        go("models");
        Locator row = page.locator("tr[data-model='testsrc']");
        expect(row.getByTestId("model-state")).hasText("ready");
        row.getByText("Log").click();
        expect(page.locator("pre.log")).isVisible();
        Chromium.screenshot(page, "models");
        row.getByLabel("Unload testsrc").click();
        expect(row.getByTestId("model-state")).hasText("unloaded");
        expect(page.locator(".timeline")).containsText("unloaded");
    }

    /** Sleep and draining need vLLM and two models in contention: their events are fed to the page's store. */
    @Test
    void models_timeline_saysWhatTheNewEventsMean() {
        signIn(ADMIN);
        go("models");
        expect(page.locator("table.models")).isVisible();
        page.evaluate("""
                async () => {
                  const { store } = await import('/ui/app.js');
                  const at = new Date().toISOString();
                  const e = (type, reason, detail) => store.modelEvent({ at, model: 'qwen', type, reason, memory_bytes: 0, detail });
                  e('draining', 'evicted', 'for wan, whose work waited longer than its max_wait');
                  e('sleeping', 'evicted', 'level 1, for wan');
                  e('asleep', null, null);
                  e('loading', null, 'waking from sleep');
                  e('measured', null, 'uses 9.1 GiB (gpu), more than its memory: 8.0 GiB; Hearth counts 9.1 GiB from now on');
                }""");
        Locator t = page.locator(".timeline");
        expect(t.locator("li[data-type=draining]")).containsText("draining (to make room)");
        expect(t.locator("li[data-type=draining]")).containsText("serving its last requests, taking no new ones");
        expect(t.locator("li[data-type=draining]")).containsText("for wan");
        expect(t.locator("li[data-type=sleeping]")).containsText("going to sleep (to make room)");
        expect(t.locator("li[data-type=asleep]")).containsText("memory free");
        expect(t.locator("li[data-type=loading]")).containsText("waking");
        expect(t.locator("li[data-type=measured]")).containsText("more than its memory: 8.0 GiB");
        Chromium.screenshot(page, "models-timeline");
    }

    @Test
    void health_drawsItsCharts() {
        // a streamed answer from stories, so its time to first token and tokens are in the metrics
        assertThat(send(ADMIN, "POST", "/v1/chat/completions",
                TestHearth.chat("stories", "\"stream\":true,\"max_tokens\":4")).statusCode()).isEqualTo(200);
        signIn(ADMIN);
        go("health");
        expect(page.locator("#chart-ttft")).containsText("stories"); // its series in the legend
        expect(page.locator("#chart-tps")).containsText("stories");
        expect(page.getByTestId("health-summary")).containsText("used of");
        expect(page.locator("#chart-mem canvas")).isVisible();
        expect(page.locator("#chart-dev canvas")).isVisible();
        expect(page.locator("#chart-dev")).containsText("memory"); // the pool's series in the legend
        expect(page.getByTestId("device").first()).containsText("used of");
        Chromium.screenshot(page, "health");
    }

    @Test
    void userKey_seesNoAdminControls_andNotAnotherKeysJobs() {
        String alices = heldJob(ALICE, "alice's secret");
        String bobs = heldJob(BOB, "bob's own");
        signIn(BOB);
        expect(page.getByTestId("whoami")).hasText("bob · user");
        expect(page.locator("nav a")).hasText(new String[] {"Chat", "Video studio", "Gallery", "Jobs", "Health"});
        go("jobs");
        expect(page.locator("tr[data-job='" + bobs + "']")).isVisible();
        expect(page.locator("tr[data-job='" + alices + "']")).hasCount(0);
        expect(page.locator("table.jobs thead")).not().containsText("Owner");
        expect(page.locator("tr[data-job='" + bobs + "']").getByText("Cancel")).isVisible(); // its own job: yes
        Chromium.screenshot(page, "user-jobs");
        go("models");  // not in the nav; typed by hand it falls back to the first screen
        expect(page.locator("#chat-input")).isVisible();
        expect(page.locator("table.models")).hasCount(0);
        expect(page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Pin stories"))).hasCount(0);
        assertThat(send(BOB, "POST", "/api/models/stories/pin", "").statusCode()).isEqualTo(403);
    }

    @Test
    void models_pinAndUnpinFromTheDashboard_showsTheBadge_andTheApiAgrees() {
        signIn(ADMIN);
        go("models");
        Locator row = page.locator("tr[data-model='testsrc']");
        try {
            expect(row.getByTestId("pinned")).hasCount(0);
            row.getByLabel("Pin testsrc").click();
            expect(row.getByTestId("pinned")).hasText("pinned");
            await().atMost(WAIT).until(() -> json(send(ADMIN, "GET", "/api/models/testsrc", null)).path("pinned").asBoolean());
            expect(row.getByLabel("Unpin testsrc")).isVisible();
            Chromium.screenshot(page, "models-pinned");
            row.getByLabel("Unpin testsrc").click();
            expect(row.getByTestId("pinned")).hasCount(0);
            await().atMost(WAIT).until(() -> !json(send(ADMIN, "GET", "/api/models/testsrc", null)).path("pinned").asBoolean());
            expect(row.getByLabel("Pin testsrc")).isVisible();
        } finally {
            send(ADMIN, "POST", "/api/models/testsrc/unpin", "");
        }
    }

    @Test
    void models_showTheDeviceBars_andALoadedModelsDevicesAndMeasuredMemory_andItsEvents() {
        // whatever other tests of this class did to stories, this load is a fresh one: a "ready" event,
        // and its first measurement is news, a "measured" event
        assertThat(send(ADMIN, "POST", "/api/models/stories/unload", "").statusCode()).isEqualTo(200);
        signIn(ADMIN);
        go("models");
        expect(page.locator(".conn")).hasText("live"); // the page hears the events of the load below
        assertThat(send(ADMIN, "POST", "/api/models/stories/load", "").statusCode()).isEqualTo(200);
        // Hearth measures after each load; stories260K on the llamacpp engine here: resident memory
        await().atMost(WAIT).until(() -> "rss".equals(
                json(send(ADMIN, "GET", "/api/models/stories", null)).path("memory_measured_by").asText()));
        Locator timeline = page.locator(".timeline li", new Page.LocatorOptions().setHasText("stories"));
        expect(timeline.and(page.locator("[data-type=ready]")).first()).isVisible();
        expect(timeline.and(page.locator("[data-type=measured]")).first()).containsText(Pattern.compile("uses [\\d.]+ \\w+ \\(rss\\)"));
        Locator devices = page.getByTestId("device");
        expect(devices.first()).containsText("used of");
        expect(devices.first()).containsText("memory"); // no NVIDIA GPU here: the one pool
        Locator row = page.locator("tr[data-model='stories']");
        expect(row.getByTestId("model-devices")).hasText("memory");
        expect(row.getByTestId("model-memory")).containsText(Pattern.compile("measured [\\d.]+ \\w+ \\(rss\\) · declared"));
        expect(page.locator("tr[data-model='testsrc']").getByTestId("model-devices")).hasText(Pattern.compile("—|memory"));
        Chromium.screenshot(page, "models-devices");
        page.setViewportSize(390, 844);
        Chromium.screenshot(page, "models-phone");
        assertThat(page.evaluate("document.documentElement.scrollWidth")).isEqualTo(390); // the table scrolls, not the page
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(com.microsoft.playwright.options.ColorScheme.DARK));
        Chromium.screenshot(page, "models-phone-dark");
    }

    @Test
    void theEventStream_reconnectsByItself_andStillDrivesTheScreens() {
        java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
        // the first connection fails as a dropped network would; the page must come back on its own
        page.route("**/api/events", r -> {
            if (connects.incrementAndGet() == 1) r.abort("connectionreset");
            else r.resume();
        });
        signIn(ADMIN);
        expect(page.locator(".conn")).hasText("live");
        assertThat(connects.get()).isGreaterThanOrEqualTo(2);
        String id = heldJob(ADMIN, "after a reconnect");
        go("jobs");
        expect(page.locator("tr[data-job='" + id + "'] .badge")).hasText("running");
        send(ADMIN, "DELETE", "/v1/jobs/" + id, null);
        expect(page.locator("tr[data-job='" + id + "'] .badge")).hasText("cancelled"); // from the stream
    }

    /** The page's SSE parser, fed a stream cut mid-line, with CRLF lines, a comment and a multi-line event. */
    @Test
    void theSseParser_joinsChunks_andSkipsComments() {
        page.navigate(h.uri("/").toString());
        Object events = page.evaluate("""
                async () => {
                  const { readSse } = await import('/ui/api.js');
                  const enc = new TextEncoder();
                  const parts = ['event: job\\ndata: {"a"', ':1}\\n\\n: keep-alive\\n\\ndata: x\\r\\n', 'data: y\\r\\n\\r\\n'];
                  const body = new ReadableStream({ start(c) { parts.forEach(p => c.enqueue(enc.encode(p))); c.close(); } });
                  const out = [];
                  await readSse(new Response(body), (name, data) => out.push(name + '|' + data));
                  return out;
                }""");
        assertThat(events).isEqualTo(List.of("job|{\"a\":1}", "message|x\ny"));
    }

    /**
     * The bytes the first paint of / costs with a key, from the browser's Resource Timing entries
     * (transferSize: headers and encoded body of each response; the event stream, never finished, is
     * not among them).
     */
    @Test
    void firstPaint_isUnder200KB() {
        page.addInitScript("localStorage.setItem('hearth.key', '" + ADMIN + "')");
        page.navigate(h.uri("/").toString());
        expect(page.locator("#chat-input")).isVisible();
        long bytes = ((Number) page.evaluate("() => performance.getEntriesByType('navigation')"
                + ".concat(performance.getEntriesByType('resource')).reduce((n, e) => n + e.transferSize, 0)")).longValue();
        long files = ((Number) page.evaluate("() => performance.getEntriesByType('resource').length")).longValue();
        System.out.println("first paint of / transferred " + bytes + " bytes in " + (files + 1) + " responses");
        assertThat(bytes).isGreaterThan(1000).isLessThan(200_000);
    }

    private static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, 64, 48);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
