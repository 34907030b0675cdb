package dev.hearth.gateway;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A request body held whole ({@link Proxy#bytes}): {@link EngineHttp} sends its bytes, the JDK client publishes them. */
final class WholeBody implements HttpRequest.BodyPublisher {
    private final byte[] bytes;
    private final HttpRequest.BodyPublisher publisher;

    WholeBody(byte[] bytes) {
        this.bytes = bytes;
        this.publisher = HttpRequest.BodyPublishers.ofByteArray(bytes);
    }

    byte[] bytes() { return bytes; }

    @Override public long contentLength() { return publisher.contentLength(); }

    @Override public void subscribe(Flow.Subscriber<? super ByteBuffer> s) { publisher.subscribe(s); }
}
