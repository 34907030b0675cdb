package dev.hearth.scheduler;

import dev.hearth.engine.Engine;
import dev.hearth.EngineException;
import dev.hearth.engine.LogBuffer;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory engine for the scheduler's own threading tests (real engines are tested in their
 * package): start() blocks until the test opens {@link #ready}, or fails when told to.
 */
final class FakeEngine implements Engine {
    final String model;
    final CountDownLatch ready;
    final String failWith;
    final AtomicInteger starts = new AtomicInteger();
    final AtomicInteger stops = new AtomicInteger();
    final CompletableFuture<String> crashed = new CompletableFuture<>();

    FakeEngine(String model, CountDownLatch ready, String failWith) {
        this.model = model;
        this.ready = ready;
        this.failWith = failWith;
    }

    @Override
    public String model() { return model; }

    @Override
    public void start() {
        starts.incrementAndGet();
        try {
            ready.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted");
        }
        if (failWith != null) {
            throw new EngineException(failWith);
        }
    }

    @Override
    public void stop() { stops.incrementAndGet(); }

    @Override
    public CompletableFuture<String> crashed() { return crashed; }

    @Override
    public dev.hearth.engine.Endpoint endpoint() { return new dev.hearth.engine.Endpoint.Http(URI.create("http://127.0.0.1:1")); }

    @Override
    public LogBuffer logs() { return new LogBuffer(10); }
}
