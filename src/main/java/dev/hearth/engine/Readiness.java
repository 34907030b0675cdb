package dev.hearth.engine;

import dev.hearth.HttpClients;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Polls a server's health URL until it answers 200. Used once per start by one thread; every
 * wait races an {@code abort} future (the child exited, or stop() was called) so a dead child
 * fails the start at once instead of at the deadline (llama-swap's pattern).
 */
final class Readiness {
    /** Where servers without {@code /health} (or with another health path) still show readiness. */
    static final String FALLBACK_PATH = "/v1/models";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    enum Outcome { READY, ABORTED, TIMED_OUT }

    private final HttpClient http;
    private final String base;
    private final Duration pollInterval;
    private final InstantSource clock;
    private String path;
    private String lastProblem = "no health check yet";

    Readiness(HttpClient http, URI base, String healthPath, Duration pollInterval, InstantSource clock) {
        this.http = http;
        this.base = stripSlash(base.toString());
        this.path = healthPath;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    /** A client for health checks when none is injected: HTTP/1.1, short connect timeout. */
    static HttpClient defaultClient() {
        return Holder.CLIENT;
    }

    /**
     * Polls until ready, aborted or past the deadline. The deadline is asked for again before
     * every wait, so a caller can slide it forward while the server shows progress.
     *
     * @param eachPoll runs before every probe (the process engine refreshes its process tree)
     */
    Outcome await(Supplier<Instant> deadline, CompletableFuture<?> abort, Runnable eachPoll)
            throws InterruptedException {
        while (true) {
            if (abort.isDone()) {
                return Outcome.ABORTED;
            }
            eachPoll.run();
            Instant probeStart = clock.instant();
            if (probe(abort)) {
                return Outcome.READY;
            }
            if (abort.isDone()) {
                return Outcome.ABORTED;
            }
            Instant now = clock.instant();
            Instant due = deadline.get();
            if (!now.isBefore(due)) {
                return Outcome.TIMED_OUT;
            }
            Instant next = probeStart.plus(pollInterval);
            Duration wait = Duration.between(now, next.isBefore(due) ? next : due);
            if (!wait.isNegative() && !wait.isZero()) {
                pause(abort, wait);
            }
        }
    }

    /** Why the last probe was not a 200, for the timeout message. */
    String lastProblem() { return lastProblem; }

    /** The URL being polled now (the fallback once the health path answered 404). */
    String url() { return base + path; }

    private boolean probe(CompletableFuture<?> abort) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url()))
                .version(HttpClient.Version.HTTP_1_1)
                .timeout(REQUEST_TIMEOUT)
                .GET()
                .build();
        CompletableFuture<HttpResponse<Void>> response =
                http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            CompletableFuture.anyOf(response, abort)
                    .get(REQUEST_TIMEOUT.plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // inspected below: either the response failed or the abort fired
        }
        if (!response.isDone()) {
            response.cancel(true);
            lastProblem = "GET " + url() + ": no answer within " + REQUEST_TIMEOUT.toSeconds() + "s";
            return false;
        }
        try {
            int status = response.join().statusCode();
            if (status == 200) {
                return true;
            }
            lastProblem = "GET " + url() + ": HTTP " + status;
            if (status == 404 && !path.equals(FALLBACK_PATH)) {
                path = FALLBACK_PATH;
            }
        } catch (RuntimeException e) {
            lastProblem = "GET " + url() + ": " + describe(e.getCause() == null ? e : e.getCause());
        }
        return false;
    }

    private static String describe(Throwable t) {
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof HttpTimeoutException) {
            return "no answer within " + REQUEST_TIMEOUT.toSeconds() + "s";
        }
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** Waits for {@code d} unless {@code wake} completes first. */
    static void pause(CompletableFuture<?> wake, Duration d) throws InterruptedException {
        try {
            wake.get(Math.max(1, d.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the time is up, or wake failed: both end the wait
        }
    }

    static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static final class Holder {
        static final HttpClient CLIENT = HttpClients.engine(Duration.ofSeconds(1));
    }
}
