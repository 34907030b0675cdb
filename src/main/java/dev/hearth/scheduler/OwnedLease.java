package dev.hearth.scheduler;

import dev.hearth.engine.Engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** A lease the scheduler granted: releases exactly once, whoever calls close() and however often. */
final class OwnedLease implements Lease {
    private final long id;
    private final String model;
    private final Engine engine;
    private final Runnable release;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final CompletableFuture<String> revoked = new CompletableFuture<>();

    /** @param release hands the lease back to the scheduler; run once, on the first close */
    OwnedLease(long id, String model, Engine engine, Runnable release) {
        this.id = id;
        this.model = model;
        this.engine = engine;
        this.release = release;
    }

    @Override
    public Engine engine() { return engine; }

    @Override
    public void onRevoke(Consumer<String> handler) { revoked.thenAccept(handler); }

    /** Asks the holder to end its work: the model is being unloaded or Hearth is stopping. */
    void revoke(String why) { revoked.complete(why); }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            release.run();
        }
    }

    @Override
    public String toString() { return "Lease[" + model + "#" + id + "]"; }
}
