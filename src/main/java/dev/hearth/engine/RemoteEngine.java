package dev.hearth.engine;

import dev.hearth.EngineException;
import dev.hearth.catalog.ModelSpec;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;

/**
 * A server Hearth does not run: an OpenAI-compatible URL already serving, on this machine or
 * another. start() only waits until its health URL answers 200; stop() leaves it alone.
 *
 * <p>{@link #crashed()} never completes. Hearth neither owns the remote's life nor frees memory
 * when it goes, so there is nothing for the scheduler to do; a remote that went away shows up on
 * the request that meets it, as a 502 from the gateway's proxy.
 */
public final class RemoteEngine implements Engine {
    private static final int LOG_LINES = 100;

    private final String model;
    private final URI url;
    private final String healthPath;
    private final Duration startTimeout;
    private final HttpClient http;
    private final Duration pollInterval;
    private final InstantSource clock;
    private final LogBuffer logs = new LogBuffer(LOG_LINES);
    private final CompletableFuture<String> never = new CompletableFuture<>();
    private volatile CompletableFuture<Void> stopRequested = new CompletableFuture<>(); // per start
    private volatile boolean ready;

    public RemoteEngine(String model, URI url, String healthPath, Duration startTimeout,
            HttpClient http, Duration pollInterval, InstantSource clock) {
        this.model = model;
        this.url = URI.create(Readiness.stripSlash(url.toString()));
        this.healthPath = healthPath;
        this.startTimeout = startTimeout;
        this.http = http;
        this.pollInterval = pollInterval;
        this.clock = clock;
    }

    /** A {@code remote} model from its configuration: {@code url}, {@code health}, {@code start_timeout}. */
    public static RemoteEngine of(ModelSpec m) {
        if (m.url() == null) {
            throw new IllegalArgumentException("model '" + m.name() + "': engine 'remote' needs 'url'");
        }
        return new RemoteEngine(m.name(), m.url(), m.health() == null ? "/health" : m.health(),
                m.startTimeout(), Readiness.defaultClient(), Duration.ofMillis(100), InstantSource.system());
    }

    @Override
    public String model() { return model; }

    /** Polls the health URL until 200, or fails naming the URL and what it last answered. */
    @Override
    public void start() throws EngineException {
        if (ready) {
            return;
        }
        var stop = new CompletableFuture<Void>();
        stopRequested = stop;
        var readiness = new Readiness(http, url, healthPath, pollInterval, clock);
        var deadline = clock.instant().plus(startTimeout);
        Readiness.Outcome outcome;
        try {
            outcome = readiness.await(() -> deadline, stop, () -> { });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(prefix() + " was interrupted while waiting for " + url);
        }
        switch (outcome) {
            case READY -> {
                logs.add("hearth: " + readiness.url() + " answered 200; ready");
                ready = true;
            }
            case ABORTED -> throw new EngineException(prefix() + " was stopped while waiting for " + url);
            case TIMED_OUT -> {
                String why = prefix() + " at " + url + " is not ready after "
                        + Text.human(startTimeout) + ": " + readiness.lastProblem();
                logs.add("hearth: " + why);
                throw new EngineException(why);
            }
        }
    }

    /**
     * Does nothing to the remote server. It only ends a start() that is still waiting; the
     * engine can be started again afterwards.
     */
    @Override
    public void stop() {
        ready = false;
        stopRequested.complete(null);
    }

    @Override
    public CompletableFuture<String> crashed() { return never.copy(); }

    @Override
    public Endpoint endpoint() { return new Endpoint.Http(url); }

    /** The remote server's base URL. */
    public URI baseUrl() { return url; }

    /** Hearth's own notes about this remote (it cannot see the remote's logs). */
    @Override
    public LogBuffer logs() { return logs; }

    private String prefix() {
        return "Remote engine for model '" + model + "'";
    }
}
