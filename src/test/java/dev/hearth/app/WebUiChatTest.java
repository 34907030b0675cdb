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

/** The chat playground in a real Chromium: streamed text, Stop, a cold engine's loading, markdown, a failed stream. */
class WebUiChatTest extends WebUiBase {
    @Test
    void chat_streamsStoriesText_withTokenCounts() {
        signIn(ADMIN);
        page.getByLabel("Model").selectOption("stories");
        page.getByLabel("Max tokens").fill("40");
        page.getByLabel("Message").fill("Once upon a time");
        page.getByText("Send", new Page.GetByTextOptions().setExact(true)).click();

        expect(page.locator(".msg.assistant .body")).hasText(Pattern.compile("\\w+"));
        expect(page.getByTestId("chat-stats")).containsText("tokens/s");
        expect(page.getByText("Send", new Page.GetByTextOptions().setExact(true))).isEnabled();
        assertThat(page.locator(".msg.user").textContent()).contains("Once upon a time");
        Chromium.screenshot(page, "chat");
    }

    @Test
    void chat_stop_abortsTheStream_andHearthClosesTheEnginesCall() {
        int closedBefore = stalled.closedByCaller.get();
        signIn(ADMIN);
        page.getByLabel("Model").selectOption("stalled");
        page.getByLabel("Message").fill("Tell me a long story");
        page.getByText("Send", new Page.GetByTextOptions().setExact(true)).click();

        expect(page.locator(".msg.assistant .body")).hasText("Once"); // the first token; the engine sends no more
        page.getByText("Stop", new Page.GetByTextOptions().setExact(true)).click();

        expect(page.locator(".msg.assistant .note")).hasText("stopped");
        expect(page.getByText("Send", new Page.GetByTextOptions().setExact(true))).isVisible();
        await().atMost(WAIT).until(() -> stalled.closedByCaller.get() > closedBefore);
    }

    @Test
    void chat_showsHearthsLoadingNotes_whileAColdEngineStarts_thenRendersMarkdownButNotTheModelsHtml() {
        signIn(ADMIN);
        List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        page.onRequest(r -> { if (r.url().endsWith("/v1/chat/completions")) asked.add(String.valueOf(r.headers().get("hearth-loading"))); });
        page.getByLabel("Model").selectOption("cold");
        page.getByLabel("Message").fill("Hello");
        page.getByText("Send", new Page.GetByTextOptions().setExact(true)).click();

        // its /health answers 503 until the test lets it start; Hearth's hearth.loading notes say so a second
        Locator note = page.locator("hearth-chat [role=status]");
        expect(note).hasText(Pattern.compile("cold loading… \\d+ s"));
        assertThat(asked).containsExactly("events");
        Chromium.screenshot(page, "chat-loading");
        cold.warm = true;
        Locator reply = page.locator(".msg.assistant .body");
        expect(reply.locator("strong")).hasText("now");
        expect(reply.locator("pre code")).hasText("some code");
        expect(reply).containsText("<img src=x onerror=alert(1)>"); // the model's HTML, as text
        expect(reply.locator("img")).hasCount(0);
        expect(note).hasCount(0); // the note went with the first token
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(com.microsoft.playwright.options.ColorScheme.DARK));
        Chromium.screenshot(page, "chat-dark");
    }

    @Test
    void chat_showsTheEta_ofA503ForAModelThatIsNotLoaded() {
        signIn(ADMIN);
        // Hearth's envelope when queue_timeout passes before a load ends (a last load's time is needed for an ETA)
        page.route("**/v1/chat/completions", r -> r.fulfill(new com.microsoft.playwright.Route.FulfillOptions()
                .setStatus(503).setContentType("application/json").setBody("""
                        {"error":{"message":"model cold is not ready","type":"server_error","code":"model_not_ready",
                          "loading":{"state":"loading","elapsed_s":30,"eta_s":12}}}""")));
        page.getByLabel("Model").selectOption("cold");
        page.getByLabel("Message").fill("Hello");
        page.getByText("Send", new Page.GetByTextOptions().setExact(true)).click();
        expect(page.locator("hearth-chat [role=alert]")).hasText("model cold is not ready (loading for 30 s, about 12 s to go)");
        expect(page.locator("hearth-chat [role=status]")).hasCount(0);
    }

    @Test
    void chat_keepsWhatCame_andShowsTheError_whenTheStreamFailsMidway() {
        signIn(ADMIN);
        page.getByLabel("Model").selectOption("stalls-out");
        page.getByLabel("Message").fill("Tell me a story");
        page.getByText("Send", new Page.GetByTextOptions().setExact(true)).click();

        // the engine sends one token and falls silent; Hearth's chunk_timeout ends the stream with an error event
        expect(page.locator("hearth-chat [role=alert]")).containsText("went silent");
        expect(page.locator(".msg.assistant .body")).hasText("Once");
        expect(page.getByText("Send", new Page.GetByTextOptions().setExact(true))).isVisible();
    }
}
