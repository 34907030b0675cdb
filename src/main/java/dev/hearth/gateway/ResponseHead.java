package dev.hearth.gateway;

import io.helidon.common.GenericType;
import io.helidon.common.media.type.MediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.Sink;
import io.helidon.webserver.http.spi.SinkProvider;
import io.helidon.webserver.http.spi.SinkProviderContext;

import java.util.function.BiConsumer;

/**
 * Sends a streamed response's status line and headers now, ahead of its body, which stays open.
 * Helidon 4.5 sends the head with the first body bytes, and offers it earlier only through its sink
 * SPI ({@link SinkProviderContext#flushHeaders}); this provider's sink does that and nothing else.
 * Registered in {@code META-INF/services}.
 */
public final class ResponseHead implements SinkProvider<Object> {
    private static final GenericType<HeadSent> TYPE = GenericType.create(HeadSent.class);

    /** For the service loader. */
    public ResponseHead() {}

    /**
     * Sends {@code res}'s head; call it after {@link ServerResponse#outputStream()}, whose writes are
     * the body that follows.
     */
    static void send(ServerResponse res) {
        res.sink(TYPE);
    }

    @Override
    public boolean supports(GenericType<? extends Sink<?>> type, ServerRequest request) {
        return TYPE.equals(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <X extends Sink<Object>> X create(SinkProviderContext context) {
        context.flushHeaders();
        return (X) new HeadSent();
    }

    @Override
    @Deprecated
    @SuppressWarnings("removal")
    public <X extends Sink<Object>> X create(ServerResponse response, BiConsumer<Object, MediaType> eventConsumer,
                                             Runnable closeRunnable) {
        throw new UnsupportedOperationException("only through a SinkProviderContext");
    }

    /** What {@link #send} gets back: the head has gone; the body is the response's output stream. */
    static final class HeadSent implements Sink<Object> {
        @Override
        public Sink<Object> emit(Object event) {
            throw new UnsupportedOperationException("the body goes to the response's output stream");
        }

        @Override
        public void close() {
            // the response's output stream ends the response, not this
        }
    }
}
