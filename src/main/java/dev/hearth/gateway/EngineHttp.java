package dev.hearth.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * HTTP/1.1 to an engine at an {@code http://} address, over plain sockets, on the calling thread:
 * the request goes out in one write, and the answer is read where the proxy relays it — no selector
 * thread between the engine's socket and the client's, so a streamed token costs one read and one
 * write (the JDK {@code HttpClient} spends a dozen system calls and three thread hand-offs on each).
 *
 * <p>Connections are kept alive and reused, most recently used first; one idle longer than
 * {@link #IDLE} is closed rather than reused (engines close theirs after 5 s or more), and so is one
 * whose engine has ended its side meanwhile (a probe of three system calls finds it before use). A
 * request on a reused connection that the engine closed as the
 * request went out — the write fails, or the connection ends before a byte of an answer — is sent
 * once more on a fresh one, as HTTP libraries do. {@code https://}
 * engines are not served here (the proxy's JDK client speaks TLS).
 *
 * <p>An engine that ends its connections after answering is learned from the connections it ended
 * (one that had answered, found closed when borrowed or when a request went out on it); llama-server
 * ends its side after every stream. To such an engine a connection is not given back after its
 * answer, and each request connects on its way, as nginx does. (Opening the next request's connection
 * ahead, while the engine worked on the prompt, was built and measured: it took 0.1 ms off the first
 * token at one client and 1.5 % off the requests served, the engine accepting while it generated;
 * BENCHMARKS.md, 2026-12-04 evening.)
 */
final class EngineHttp {
    /** How long a connection may wait idle before it is closed instead of reused. */
    static final Duration IDLE = Duration.ofSeconds(2);
    private static final int MAX_IDLE_PER_ENGINE = 256;

    static final EngineHttp SHARED = new EngineHttp(System::nanoTime); // after IDLE, which it uses

    private final ConcurrentHashMap<String, Pool> pools = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private final AtomicLong nextSweep;

    EngineHttp(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.nextSweep = new AtomicLong(nanoTime.getAsLong() + IDLE.toNanos());
    }

    static boolean serves(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null;
    }

    /**
     * Sends one request and reads the answer's head: {@link #begin} and {@link Exchange#answer}.
     *
     * @throws HttpConnectTimeoutException not connected within {@code connectTimeout}
     * @throws IOException                 the engine could not be reached, or closed the connection, or the
     *                                     abort closed it
     */
    EngineBody send(URI uri, byte[] body, String contentType, String accept, Map<String, String> headers,
                    Duration connectTimeout, Abort abort) throws IOException {
        return begin(uri, body, contentType, accept, headers, connectTimeout, abort).answer();
    }

    /**
     * Writes one request to the engine, on a kept-alive connection where one is idle; the answer is
     * read next ({@link Exchange#answer}). From the first step the abort closes the connection in use,
     * whatever the thread is blocked in (connecting, writing, reading).
     *
     * @throws HttpConnectTimeoutException not connected within {@code connectTimeout}
     * @throws IOException                 the engine could not be reached, or the abort closed the connection
     */
    private Exchange begin(URI uri, byte[] body, String contentType, String accept, Map<String, String> headers,
                   Duration connectTimeout, Abort abort) throws IOException {
        sweep();
        String host = uri.getHost();
        int port = port(uri);
        Exchange ex = new Exchange(pools.computeIfAbsent(key(host, port), k -> new Pool()), host, port,
                request(uri, host, port, body, contentType, accept, headers), connectTimeout, abort);
        Connection idle = ex.pool.borrow();
        if (idle != null) {
            try {
                ex.write(idle, true);
                return ex;
            } catch (IOException stale) {
                idle.close();
                if (abort.why() != null) throw stale;
                // the engine had closed it while idle: a fresh connection instead
            }
        }
        ex.write(new Connection(ex.pool), false);
        return ex;
    }

    /**
     * Closes the idle connections to the engine at {@code uri}: the engine is about to be stopped, and a
     * server whose workers hold an idle connection may wait for them before it exits (llama-server's,
     * ~0.1 s). A request still in flight keeps its connection.
     */
    void closeIdle(URI uri) {
        Pool pool = pools.get(key(uri.getHost(), port(uri)));
        if (pool != null) pool.closeIdle();
    }

    private static int port(URI uri) {
        return uri.getPort() < 0 ? 80 : uri.getPort();
    }

    private static String key(String host, int port) {
        return host + ":" + port;
    }

    /**
     * At most once per {@link #IDLE}, on a request's way: closes every pool's connections idle too long,
     * those of engines no longer asked (stopped, or started again on another port) included.
     */
    private void sweep() {
        long now = nanoTime.getAsLong();
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + IDLE.toNanos())) {
            pools.values().forEach(p -> p.expire(now));
        }
    }

    /** One request written to an engine, on the connection it went out on. */
    private static final class Exchange {
        private final Pool pool;
        private final String host;
        private final int port;
        private final byte[] request;
        private final Duration connectTimeout;
        private final Abort abort;
        private Connection conn;
        private boolean reused;

        private Exchange(Pool pool, String host, int port, byte[] request, Duration connectTimeout, Abort abort) {
            this.pool = pool;
            this.host = host;
            this.port = port;
            this.request = request;
            this.connectTimeout = connectTimeout;
            this.abort = abort;
        }

        private void write(Connection c, boolean kept) throws IOException {
            conn = c;
            reused = kept;
            int lease = c.lease();
            abort.onAbort(() -> c.closeIfLeased(lease));
            try {
                if (!kept) {
                    connect(c.channel(), host, port, connectTimeout);
                }
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    c.channel().write(out);
                }
            } catch (IOException e) {
                c.close();
                throw e;
            }
        }

        /**
         * The answer's head; its body is read from the stream returned. A kept-alive connection that
         * the engine closed before answering a byte (it had timed it out as the request went out) is
         * not an error: the request goes once more, on a fresh connection.
         */
        EngineBody answer() throws IOException {
            try {
                return EngineBody.read(conn);
            } catch (IOException e) {
                conn.close();
                if (!reused || conn.received() > 0 || e instanceof ProtocolException || abort.why() != null) {
                    throw e;
                }
                if (conn.served > 0) pool.endsAfterAnswers = true; // it had answered, then the engine ended it
            }
            write(new Connection(pool), false);
            try {
                return EngineBody.read(conn);
            } catch (IOException e) {
                conn.close();
                throw e;
            }
        }
    }

    private static void connect(SocketChannel ch, String host, int port, Duration timeout) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // a request's one write goes out at once
        try {
            ch.socket().connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        } catch (SocketTimeoutException e) {
            throw new HttpConnectTimeoutException("connect timed out after " + timeout.toMillis() + " ms");
        }
    }

    private static byte[] request(URI uri, String host, int port, byte[] body, String contentType, String accept,
                                  Map<String, String> headers) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder head = new StringBuilder(256)
                .append("POST ").append(path).append(uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                .append(" HTTP/1.1\r\nHost: ").append(host.contains(":") ? "[" + host + "]" : host).append(':').append(port)
                .append("\r\nContent-Type: ").append(contentType)
                .append("\r\nContent-Length: ").append(body.length)
                .append("\r\nAccept: ").append(accept)
                .append("\r\nUser-Agent: hearth\r\n");
        headers.forEach((name, value) -> {
            if (!token(name) || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("invalid header for an engine: " + name);
            }
            head.append(name).append(": ").append(value).append("\r\n");
        });
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private static boolean token(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch <= ' ' || ch >= 127 || ch == ':') return false;
        }
        return true;
    }

    /** Idle connections to one engine (host and port), most recently used first. */
    private final class Pool {
        private final ConcurrentLinkedDeque<Connection> idle = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();
        /**
         * Whether the engine ends its side after answering: what the last connection that had answered
         * showed when it was next borrowed or written to.
         */
        private volatile boolean endsAfterAnswers;

        Connection borrow() {
            long now = nanoTime.getAsLong();
            for (Connection c; (c = idle.pollFirst()) != null; ) {
                size.decrementAndGet();
                if (now - c.idleSince > IDLE.toNanos()) {
                    c.close();
                    continue;
                }
                boolean ended = c.peerClosed();
                endsAfterAnswers = ended;
                if (ended) {
                    c.close();
                    continue;
                }
                return c;
            }
            return null;
        }

        void offer(Connection c) {
            c.idleSince = nanoTime.getAsLong();
            idle.offerFirst(c);
            size.incrementAndGet();
            expire(c.idleSince);
        }

        void closeIdle() {
            for (Connection c; (c = idle.pollFirst()) != null; ) {
                size.decrementAndGet();
                c.close();
            }
        }

        /** The oldest go: over the cap, or idle too long (an engine no longer asked, or stopped). */
        void expire(long now) {
            for (Connection old; (old = idle.peekLast()) != null && (size.get() > MAX_IDLE_PER_ENGINE
                    || now - old.idleSince > IDLE.toNanos()); ) {
                if (idle.removeLastOccurrence(old)) {
                    size.decrementAndGet();
                    old.close();
                }
            }
        }
    }

    /** One connection to an engine, and its read buffer; lent to one request at a time. */
    static final class Connection {
        private final Pool pool;
        private final SocketChannel channel;
        private int lease; // which request holds it; guarded by this
        private boolean closed; // guarded by this
        private long received;
        private volatile long idleSince;
        /** Answers read to their end on it; written by the request that holds it, read after the pool hands it on. */
        private int served;

        Connection(Pool pool) throws IOException {
            this.pool = pool;
            this.channel = SocketChannel.open();
        }

        SocketChannel channel() { return channel; }

        /** Bytes read in the current lease. */
        long received() { return received; }

        void count(int n) { received += n; }

        synchronized int lease() {
            received = 0;
            return ++lease;
        }

        /**
         * Whether the engine has closed its side while this waited idle (its FIN is here, or bytes no
         * request asked for): llama-server, for one, closes the connection after every streamed answer
         * whatever its {@code Keep-Alive} says. Found here, a fresh connection is made at once instead
         * of a request being written to a dead one and sent again.
         */
        boolean peerClosed() {
            try {
                channel.configureBlocking(false);
                try {
                    return channel.read(ByteBuffer.allocate(1)) != 0;
                } finally {
                    channel.configureBlocking(true);
                }
            } catch (IOException | RuntimeException e) {
                return true;
            }
        }

        /** An abort's close: only while the request that registered it still holds the connection. */
        void closeIfLeased(int which) {
            synchronized (this) {
                if (which != lease || closed) return;
            }
            close();
        }

        /**
         * The answer was read to its end: back to the pool for the next request, unless the engine is
         * known to end its side after answering (the next request connects afresh). Such a
         * connection is closed even while its engine's FIN is still on the way: pooled, it would be
         * taken by a request that follows within microseconds (one client's next), before the FIN
         * showed, and the engine would close it under that request, which then goes again on a fresh
         * one (measured: 8 % of the requests of one client to llama-server, BENCHMARKS.md). What is
         * learned about an engine's address is kept while Hearth runs: an engine that ended such a
         * connection once gets a fresh one for every request.
         */
        void release() {
            synchronized (this) {
                if (closed) return;
                lease++; // an abort hook of the request that used it no longer reaches it
            }
            served++;
            if (pool.endsAfterAnswers) {
                close();
                return;
            }
            pool.offer(this);
        }

        void close() {
            synchronized (this) {
                closed = true;
                lease++;
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing: nothing to do about it
            }
        }
    }
}
