package dev.hearth.gateway;

import dev.hearth.Json;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one SSE writer of Hearth ({@code /api/events}, {@code /v1/jobs/{id}/events}). Publishers (the
 * scheduler's thread, a job's) only offer to a stream's bounded queue and return; the client's own
 * request thread writes. A client too slow for its queue loses events, never slows a publisher:
 * what was dropped is counted and told in a comment before the next write. A quiet stream sends a
 * {@code keep-alive} comment, which also finds a client that has gone; {@link #close} ends every
 * stream, so stopping the server does not wait out their keep-alive.
 */
public final class SseWriter {
    static final Duration KEEPALIVE = Duration.ofSeconds(15);
    /** Put in a stream's queue to end it: Hearth is stopping. */
    private static final Object END = new Object();

    private final Duration keepAlive;
    private final Set<Stream<?>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public SseWriter() {
        this(KEEPALIVE);
    }

    SseWriter(Duration keepAlive) {
        this.keepAlive = keepAlive;
    }

    /** Ends every open stream, and any opened later. */
    void close() {
        closed = true;
        open.forEach(Stream::end);
    }

    /** A new stream's queue, to subscribe with before reading what it starts from. */
    public <T> Stream<T> stream(int capacity) {
        return new Stream<>(capacity);
    }

    /** What one stream sends; called on the client's request thread only. */
    public interface Feed<T> {
        /** Sends what {@code item} means to this client; false ends the stream after it. */
        boolean send(T item, Out out) throws Exception;

        /** Nothing came for a {@code tick}: a feed may look for itself (a re-read); false ends the stream. */
        default boolean quiet(Out out) throws Exception {
            return true;
        }
    }

    /** Where a {@link Feed} writes. */
    public interface Out {
        /** @param data written by the gateway's mapper: a record DTO, or a node */
        void event(String name, Object data) throws Exception;
    }

    /**
     * Writes {@code stream} to the client until the feed ends it, the client goes, or {@link #close}.
     *
     * @param greeting a comment sent first (the client knows it is subscribed), or null
     * @param tick     how often the feed's {@link Feed#quiet} runs when nothing comes; null = never
     */
    public <T> void write(ServerResponse res, Stream<T> stream, String greeting, Duration tick, Feed<T> feed) {
        open.add(stream);
        if (closed) stream.end();
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            long[] lastWrite = {System.nanoTime()};
            Out out = (name, data) -> {
                sink.emit(SseEvent.builder().name(name).data(Json.MAPPER.writeValueAsString(data)).build());
                lastWrite[0] = System.nanoTime();
            };
            if (greeting != null) sink.emit(SseEvent.builder().comment(greeting).build());
            long nextTick = tick == null ? 0 : System.nanoTime() + tick.toNanos(); // nanoTime may be negative: compare differences
            while (true) {
                long now = System.nanoTime();
                long wait = lastWrite[0] + keepAlive.toNanos() - now;
                if (tick != null) wait = Math.min(wait, nextTick - now);
                wait = Math.max(0, wait);
                Object o = stream.queue.poll(wait, TimeUnit.NANOSECONDS);
                if (o == END || stream.ended) return;
                long dropped = stream.dropped.getAndSet(0);
                if (dropped > 0) {
                    sink.emit(SseEvent.builder().comment(dropped + " events dropped: this client reads slower than they come").build());
                    lastWrite[0] = System.nanoTime();
                }
                if (o != null) {
                    @SuppressWarnings("unchecked") T item = (T) o;
                    if (!feed.send(item, out)) return;
                }
                now = System.nanoTime();
                if (tick != null && o != null) {
                    nextTick = now + tick.toNanos();
                } else if (tick != null && now - nextTick >= 0) {
                    if (!feed.quiet(out)) return;
                    nextTick = now + tick.toNanos();
                }
                if (now - lastWrite[0] >= keepAlive.toNanos()) {
                    sink.emit(SseEvent.builder().comment("keep-alive").build()); // finds a client gone
                    lastWrite[0] = now;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception clientGone) {
            // the client disconnected (or what it watched went away): stop
        } finally {
            open.remove(stream);
        }
    }

    /** One stream's bounded queue; publishers call {@link #accept}, which never blocks. */
    public static final class Stream<T> implements Consumer<T> {
        private final BlockingQueue<Object> queue;
        private final AtomicLong dropped = new AtomicLong();
        /** Set with END: a full queue (END not taken) still ends at the writer's next turn. */
        private volatile boolean ended;

        private Stream(int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity + 1); // + 1: room for END
        }

        @Override
        public void accept(T item) {
            if (queue.remainingCapacity() <= 1 || !queue.offer(item)) dropped.incrementAndGet();
        }

        private void end() {
            ended = true;
            queue.offer(END);
        }
    }
}
