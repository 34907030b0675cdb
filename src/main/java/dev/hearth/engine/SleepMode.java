package dev.hearth.engine;

import dev.hearth.EngineException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * vLLM's sleep mode (DESIGN.md scheduler rule 10), as a server started with
 * {@code --enable-sleep-mode} and {@code VLLM_SERVER_DEV_MODE=1} offers it: {@code POST
 * /sleep?level=N} (the level in the query string: vLLM ignores a JSON body) frees its GPU memory —
 * level 1 keeps the weights in CPU memory, level 2 drops them — {@code POST /wake_up} brings it
 * back, {@code GET /is_sleeping} says which. Each call is checked against {@code /is_sleeping}, so
 * a server without sleep mode fails loudly instead of silently keeping its memory.
 */
final class SleepMode {
    private static final Pattern ASLEEP = Pattern.compile("\"is_sleeping\"\\s*:\\s*true");
    private static final Pattern AWAKE = Pattern.compile("\"is_sleeping\"\\s*:\\s*false");

    private SleepMode() {}

    static void sleep(HttpClient http, URI base, int level, String who, Duration limit) {
        call(http, "POST", base.resolve("/sleep?level=" + level), who, limit);
        expect(http, base, ASLEEP, who, "asleep after POST /sleep?level=" + level);
    }

    static void wake(HttpClient http, URI base, String who, Duration limit) {
        call(http, "POST", base.resolve("/wake_up"), who, limit);
        expect(http, base, AWAKE, who, "awake after POST /wake_up");
    }

    private static void expect(HttpClient http, URI base, Pattern state, String who, String what) {
        String body = call(http, "GET", base.resolve("/is_sleeping"), who, Duration.ofSeconds(30));
        if (!state.matcher(body).find()) {
            throw new EngineException(who + " is not " + what + ": GET /is_sleeping answered " + shorten(body)
                    + " (is it vLLM started with --enable-sleep-mode and VLLM_SERVER_DEV_MODE=1?)");
        }
    }

    private static String call(HttpClient http, String method, URI uri, String who, Duration limit) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(limit)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new EngineException(who + ": " + method + " " + uri.getPath() + " answered " + r.statusCode()
                        + " " + shorten(r.body()) + " (is it vLLM started with --enable-sleep-mode and"
                        + " VLLM_SERVER_DEV_MODE=1?)");
            }
            return r.body();
        } catch (IOException e) {
            throw new EngineException(who + ": " + method + " " + uri.getPath() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(who + ": interrupted during " + method + " " + uri.getPath(), e);
        }
    }

    private static String shorten(String body) {
        String oneLine = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "…" : oneLine;
    }
}
