package dev.hearth.app;

import dev.hearth.TestModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static dev.hearth.app.DialectSupport.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the web UI's browser tests share: a real Hearth with keys (an admin and two users) serving the
 * stories260K chat model, a remote model whose stream stalls after its first token (so Stop is pressed
 * mid-stream, whatever the machine's speed) and the same with a 300 ms chunk_timeout, a remote model
 * that stays "loading" until the test lets it start, and testsrc video; Debian's Chromium. One Hearth
 * and one browser per test class; a fresh browser context (its own localStorage and cookies) per test.
 */
abstract class WebUiBase extends WebUiBrowser {
    static HungEngine stalled;
    static ColdEngine cold;

    final List<String> started = new ArrayList<>();

    @BeforeAll
    static void startHearth() throws Exception {
        stalled = new HungEngine(HungEngine.Mode.STALL);
        cold = new ColdEngine();
        h = new TestHearth(dir, "api_keys_file: " + keysFile(), """
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
    static void stopEngines() throws Exception {
        if (stalled != null) stalled.close();
        if (cold != null) cold.close();
    }

    @AfterEach
    void cancelHeldJobs() {
        started.forEach(id -> send(ADMIN, "DELETE", "/v1/jobs/" + id, null));
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
}
