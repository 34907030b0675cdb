package dev.hearth.app;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What every web UI test class shares: Debian's Chromium (one per class), a fresh browser context per
 * test (its own localStorage and cookies), the API keys of an admin and two users, and page helpers.
 * Each subclass starts its own Hearth into {@link #h} in a {@code @BeforeAll} of its own (it runs after
 * this class's); {@link #h} is closed here.
 */
abstract class WebUiBrowser {
    static final String ADMIN = "sk-admin-ui-000000001";
    static final String ALICE = "sk-alice-ui-000000001";
    static final String BOB = "sk-bob-ui-0000000001";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestHearth h;
    static Chromium chromium;

    BrowserContext context;
    Page page;

    @BeforeAll
    static void launchBrowser() {
        chromium = Chromium.launch();
        PlaywrightAssertions.setDefaultAssertionTimeout(WAIT.toMillis());
    }

    @AfterAll
    static void closeHearthAndBrowser() {
        if (h != null) h.close();
        h = null;
        if (chromium != null) chromium.close();
        chromium = null;
    }

    @BeforeEach
    void newContext() {
        context = chromium.browser.newContext(new Browser.NewContextOptions().setViewportSize(1200, 860));
        page = context.newPage();
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    /** The keys file of root (admin), alice and bob (users), for {@code api_keys_file:}. */
    static Path keysFile() throws IOException {
        return Files.writeString(dir.resolve("keys"), """
                %s  name=root
                %s  name=alice role=user
                %s  name=bob   role=user
                """.formatted(ADMIN, ALICE, BOB));
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
