package dev.hearth.gateway;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Platform threads that send requests to engines and relay their answers to clients. A virtual
 * thread blocked on a socket is woken through the JDK's poller (an epoll wait on another thread, then
 * a hand-off to a carrier) on every token; a platform thread blocked in {@code read} is woken by the
 * kernel itself, so a token costs one read and one write. A request served on its connection's own
 * platform thread ({@link Http1Front}) is relayed there, with no hand-off; one on a virtual thread is
 * handed to a relay thread, one per request in flight, kept a minute after use, up to {@link #MAX};
 * past that it is relayed on its own (virtual) thread.
 */
final class Relays {
    /** Relay threads at most (a thread's stack is address space, committed only as deep as it is used). */
    static final int MAX = 2048;

    private static final ExecutorService THREADS = Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("hearth-relay-", 0).factory());
    private static final AtomicInteger RUNNING = new AtomicInteger();

    private Relays() {}

    /**
     * Runs {@code relay} on a relay thread and waits for it. Interrupted meanwhile (the server stopping),
     * it aborts the request as the client's leaving would, and still waits for the relay to end, which
     * the abort makes prompt (it closes the engine's connection).
     */
    static <T> T run(Supplier<T> relay, Abort abort) {
        if (Http1Front.onConnectionThread()) {
            return relay.get(); // the server stopping interrupts this thread, which closes the engine's channel
        }
        if (RUNNING.incrementAndGet() > MAX) {
            RUNNING.decrementAndGet();
            return relay.get();
        }
        Future<T> running;
        try {
            running = THREADS.submit(() -> {
                try {
                    return relay.get();
                } finally {
                    RUNNING.decrementAndGet();
                }
            });
        } catch (RuntimeException refused) {
            RUNNING.decrementAndGet();
            throw refused;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return running.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    abort.abort(Abort.Reason.CLIENT_GONE, Abort.clientClosed());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Error err) throw err;
                    throw (RuntimeException) e.getCause(); // a Supplier throws nothing checked
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
