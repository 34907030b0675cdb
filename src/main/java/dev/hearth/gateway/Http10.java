package dev.hearth.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;

/**
 * Serves HTTP/1.0 requests ({@code curl -0}, ApacheBench, many health checkers), which Helidon 4.5
 * refuses: its HTTP/1 connection reads only "HTTP/1.1" request lines and has no option for 1.0.
 * {@link Http1Front} asks it for each new connection: one whose first request line ends in
 * {@code HTTP/1.0} goes to Helidon's own HTTP/1 connection with that line read as HTTP/1.1 plus
 * {@code Connection: close} — one request per connection, as HTTP/1.0 without keep-alive has it —
 * and without the HTTP/1.1 rule that a Host header is required. The answer carries {@code HTTP/1.1}
 * in its status line, which RFC 9110 §2.5 allows. Any other first line (or one not whole in the
 * first read) goes to the stock connection, which serves HTTP/1.1 and refuses the rest in the error
 * envelope; an HTTP/1.0 line later on a kept-alive connection is a 505.
 */
final class Http10 {
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Http1ConnectionSelector lenient = Http1ConnectionSelector.builder()
            .config(Http1Config.builder().validateRequestHostHeader(false).build()).build();
    private final Http1ConnectionSelector stock = Http1ConnectionSelector.builder()
            .config(Http1Config.create()).build();

    /** The connection for what the client sent first (at least one byte of it already read). */
    ServerConnection connection(ConnectionContext ctx) {
        DataReader reader = ctx.dataReader();
        String line = firstLine(reader.getBuffer(reader.available()));
        if (line == null || !line.endsWith(" HTTP/1.0\r")) {
            return stock.connection(ctx);
        }
        return lenient.connection(new Rewritten(ctx, asHttp11(reader.readBytes(reader.available()))));
    }

    private static String firstLine(BufferData data) {
        int eol = data.indexOf((byte) '\n');
        if (eol < 0) {
            return null;
        }
        String line = data.readString(eol, StandardCharsets.ISO_8859_1);
        data.rewind();
        return line;
    }

    /** "… HTTP/1.0\r\n…" → "… HTTP/1.1\r\nConnection: close\r\n…" */
    static byte[] asHttp11(byte[] head) {
        int eol = indexOf(head, (byte) '\n');
        byte[] out = new byte[head.length + CLOSE.length];
        System.arraycopy(head, 0, out, 0, eol + 1);
        out[eol - 2] = '1'; // the minor version, just before "\r\n"
        System.arraycopy(CLOSE, 0, out, eol + 1, CLOSE.length);
        System.arraycopy(head, eol + 1, out, eol + 1 + CLOSE.length, head.length - eol - 1);
        return out;
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }

    /** The connection's context with a reader that yields the rewritten head, then the socket's bytes. */
    private static final class Rewritten implements ConnectionContext {
        private final ConnectionContext ctx;
        private final DataReader reader;
        private byte[] head;

        Rewritten(ConnectionContext ctx, byte[] head) {
            this.ctx = ctx;
            this.head = head;
            DataReader socket = ctx.dataReader();
            this.reader = DataReader.create(() -> {
                if (this.head != null) {
                    byte[] first = this.head;
                    this.head = null;
                    return first;
                }
                if (socket.available() == 0) {
                    socket.pullData(); // throws at end of stream, as the socket's own reader does
                }
                return socket.readBytes(socket.available());
            });
        }

        @Override
        public DataReader dataReader() { return reader; }

        @Override
        public ListenerContext listenerContext() { return ctx.listenerContext(); }

        @Override
        public ExecutorService executor() { return ctx.executor(); }

        @Override
        public DataWriter dataWriter() { return ctx.dataWriter(); }

        @Override
        public Router router() { return ctx.router(); }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() { return ctx.proxyProtocolData(); }

        @Override
        public HelidonSocket serverSocket() { return ctx.serverSocket(); }

        @Override
        public PeerInfo remotePeer() { return ctx.remotePeer(); }

        @Override
        public PeerInfo localPeer() { return ctx.localPeer(); }

        @Override
        public boolean isSecure() { return ctx.isSecure(); }

        @Override
        public String socketId() { return ctx.socketId(); }

        @Override
        public String childSocketId() { return ctx.childSocketId(); }
    }
}
