package dev.hearth.app;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's Chromium (/usr/bin/chromium, or HEARTH_CHROMIUM) driven by Playwright, headless. Nothing
 * is downloaded: Playwright's own browsers are skipped. Without Chromium a test is skipped locally and
 * fails when CI=true, like the PostgreSQL tests.
 */
final class Chromium implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

    final Playwright playwright;
    final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    static Chromium launch() {
        Path exe = Path.of(System.getenv().getOrDefault("HEARTH_CHROMIUM", "/usr/bin/chromium"));
        if (!Files.isExecutable(exe)) {
            String why = exe + " is missing (apt-get install chromium, or set HEARTH_CHROMIUM)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            Assumptions.abort(why);
        }
        Playwright pw = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start
        Browser b = pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(exe).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-dev-shm-usage")));
        return new Chromium(pw, b);
    }

    /** Saves a full-page screenshot as target/ui-screenshots/{name}.png. */
    static void screenshot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
