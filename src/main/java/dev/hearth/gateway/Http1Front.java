package dev.hearth.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hearth's HTTP/1 front: each client connection is read, routed and answered on a platform thread
 * of its own, and a stream from an engine is relayed on that same thread ({@link Relays}). The
 * kernel wakes that thread when the client's next request arrives, as it wakes nginx's worker.
 * Helidon runs every connection on a virtual thread, which the JDK's poller wakes: an epoll wait
 * on one thread, a hand-off to a carrier, often a second carrier, and then a hand-off to a relay
 * thread — three or four wake-ups before a request reaches its engine where nginx has one. On a
 * machine where waking an idle CPU is dear (a VM that halts idle vCPUs, deep C-states) each costs
 * tens to hundreds of microseconds on every request's path (BENCHMARKS.md).
 *
 * <p>The listener has this selector alone (Helidon's own HTTP/1 selector is not discovered), so
 * Helidon hands each new connection over before reading a byte: the socket stays in blocking mode
 * and its platform thread blocks in the kernel's {@code read}. {@link Http10} picks the connection
 * for the first request line (HTTP/1.0 or Helidon's stock HTTP/1.1). A connection thread ends with
 * its connection, so an interrupt Helidon sends a closing connection can never reach another one.
 *
 * <p>At most {@link #MAX_THREADS} connections of a listener are served on platform threads at once
 * (system property {@code hearth.connectionThreads}; 0 for none); past that, on Helidon's virtual
 * thread as before, so thousands of idle keep-alive connections do not cost thousands of platform
 * threads. A connection never moves between the two.
 */
public final class Http1Front implements ServerConnectionSelector {
    /** Connections served on platform threads at once, at most. */
    public static final int MAX_THREADS = Integer.getInteger("hearth.connectionThreads", 512);
    /** How long a connection thread has to end once its connection was closed under it. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private static final ThreadLocal<Boolean> CONNECTION_THREAD = ThreadLocal.withInitial(() -> false);
    /** A connection thread's connection writer: what Helidon writes the responses with. */
    private static final ThreadLocal<DataWriter> WRITER = new ThreadLocal<>();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Http10 http10 = new Http10();
    private final AtomicInteger busy = new AtomicInteger();
    private final int max;

    public Http1Front() {
        this(MAX_THREADS);
    }

    /** @param max connections served on platform threads at once, at most */
    Http1Front(int max) {
        this.max = max;
    }

    /** Whether the calling thread is a connection's own platform thread (which relays its streams itself). */
    static boolean onConnectionThread() {
        return CONNECTION_THREAD.get();
    }

    /**
     * The writer of the connection whose own platform thread calls this; null on any other thread.
     * A response's head and bytes written with it go out in the order written, as Helidon's own.
     */
    static DataWriter connectionWriter() {
        return WRITER.get();
    }

    /** Connections being served on platform threads now. */
    int platformThreads() {
        return busy.get();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        return Support.SUPPORTED; // the listener's only selector: asked for nothing
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of("http/1.1");
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new Handed(ctx);
    }

    /** A connection served on a platform thread of its own, or where there is none to spare, on Helidon's. */
    private final class Handed implements ServerConnection {
        private final ConnectionContext ctx;
        private final long opened = System.nanoTime();
        private volatile ServerConnection http;
        private volatile Thread thread;
        private volatile boolean closed;

        Handed(ConnectionContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            if (busy.incrementAndGet() > max) {
                busy.decrementAndGet();
                serve(limit); // on Helidon's virtual thread
                return;
            }
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                Thread.ofPlatform().daemon().name("hearth-conn-" + NAMES.incrementAndGet()).start(() -> {
                    CONNECTION_THREAD.set(true);
                    WRITER.set(ctx.dataWriter());
                    try {
                        serve(limit);
                        done.complete(null);
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                    } finally {
                        busy.decrementAndGet();
                    }
                });
            } catch (OutOfMemoryError noThread) { // the OS refused a thread: this connection stays virtual
                busy.decrementAndGet();
                serve(limit);
                return;
            }
            try {
                done.get();
            } catch (ExecutionException e) {
                throw rethrown(e.getCause());
            } catch (InterruptedException e) { // the server stops: the connection's own thread is told too
                close(true);
                try {
                    done.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException ignored) {
                    // the socket is closed once this returns, which ends any read still waiting on it
                }
                throw e;
            }
        }

        private void serve(Limit limit) throws InterruptedException {
            thread = Thread.currentThread();
            try {
                if (closed) return;
                try {
                    ctx.dataReader().ensureAvailable();
                } catch (DataReader.InsufficientDataAvailableException e) {
                    throw new CloseConnectionException("No data available", e);
                }
                ServerConnection c = http10.connection(ctx);
                http = c;
                if (!closed) c.handle(limit);
            } finally {
                thread = null;
            }
        }

        @Override
        public Duration idleTime() {
            ServerConnection c = http;
            return c != null ? c.idleTime() : Duration.ofNanos(System.nanoTime() - opened);
        }

        @Override
        public void close(boolean interrupt) {
            closed = true;
            ServerConnection c = http;
            if (c != null) {
                c.close(interrupt);
                return;
            }
            Thread t = thread; // still waiting for the first bytes: nothing is lost by ending it
            if (t != null) t.interrupt(); // a blocked channel read ends when its thread is interrupted
        }
    }

    private static RuntimeException rethrown(Throwable cause) throws InterruptedException {
        if (cause instanceof RuntimeException r) throw r;
        if (cause instanceof Error e) throw e;
        if (cause instanceof InterruptedException ie) throw ie;
        throw new IllegalStateException(cause);
    }
}
