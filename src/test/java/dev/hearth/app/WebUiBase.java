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

/**
 * What the web UI's browser tests share: a real Hearth with keys (an admin and two users) serving the
 * stories260K chat model, a remote model whose stream stalls after its first token (so Stop is pressed
 * mid-stream, whatever the machine's speed) and the same with a 300 ms chunk_timeout, a remote model
 * that stays "loading" until the test lets it start, and testsrc video; Debian's Chromium. One Hearth
 * and one browser per test class; a fresh browser context (its own localStorage and cookies) per test.
 */
abstract class WebUiBase {
    static final String ADMIN = "sk-admin-ui-000000001";
    static final String ALICE = "sk-alice-ui-000000001";
    static final String BOB = "sk-bob-ui-0000000001";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestHearth h;
    static HungEngine stalled;
    static ColdEngine cold;
    static Chromium chromium;

    BrowserContext context;
    Page page;
    final List<String> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        chromium = Chromium.launch();
        PlaywrightAssertions.setDefaultAssertionTimeout(WAIT.toMillis());
        stalled = new HungEngine(HungEngine.Mode.STALL);
        cold = new ColdEngine();
        Path keys = Files.writeString(dir.resolve("keys"), """
                %s  name=root
                %s  name=alice role=user
                %s  name=bob   role=user
                """.formatted(ADMIN, ALICE, BOB));
        h = new TestHearth(dir, "api_keys_file: " + keys, """
                stories:
                  engine: llamacpp
                  path: %s
                stalled:
                  engine: remote
                  url: %s
                cold:
                  engine: remote
                  url: %s
                stalls-out:
                  engine: remote
                  url: %s
                  chunk_timeout: 300ms
                testsrc:
                  engine: testsrc
                  defaults: { size: 160x96, fps: 8, seconds: 1 }
                """.formatted(TestModels.stories260K(), stalled.url(), cold.url(), stalled.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (h != null) h.close();
        if (stalled != null) stalled.close();
        if (cold != null) cold.close();
        if (chromium != null) chromium.close();
    }

    @BeforeEach
    void newContext() {
        context = chromium.browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 860));
        page = context.newPage();
    }

    @AfterEach
    void closeContext() {
        context.close();
        started.forEach(id -> send(ADMIN, "DELETE", "/v1/jobs/" + id, null));
    }

    static LocatorAssertions expect(Locator l) {
        return PlaywrightAssertions.assertThat(l);
    }

    static HttpResponse<String> send(String key, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.uri(path)).header("Authorization", "Bearer " + key)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        return h.send(b.build());
    }

    /** A testsrc job that runs until it is cancelled (testsrc's hold): "running" whatever the machine's speed. */
    String heldJob(String key, String prompt) {
        HttpResponse<String> r = send(key, "POST", "/v1/jobs",
                "{\"model\":\"testsrc\",\"prompt\":\"" + prompt + "\",\"params\":{\"hold\":true}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = json(r).path("id").asText();
        started.add(id);
        return id;
    }

    void signIn(String key) {
        page.navigate(h.uri("/").toString());
        page.getByLabel("API key").fill(key);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Sign in")).click();
        expect(page.getByTestId("whoami")).isVisible();
    }

    void go(String screen) {
        page.navigate(h.uri("/#/" + screen).toString());
    }
}
