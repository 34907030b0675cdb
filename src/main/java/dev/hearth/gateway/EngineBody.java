package dev.hearth.gateway;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * An engine's answer read from its connection: the status line and headers, then the body as the
 * engine framed it — chunked, a Content-Length, or until the connection closes (an HTTP/1.0-style
 * server). A read blocks only while it has nothing to give: once one socket read has brought
 * several of the engine's chunks (tokens), one read call returns them all, so the proxy writes and
 * flushes them to its client once. When the body has been read to its end on a connection that
 * stays open, the connection goes back to its pool; closed earlier, it is closed, and the engine
 * sees the client leave.
 */
final class EngineBody extends InputStream {
    private enum State { SIZE, DATA, DATA_END, TRAILERS, LENGTH, UNTIL_CLOSE, DONE }

    private static final int MAX_LINE = 8 * 1024;
    private static final int BUFFER = 16 * 1024;
    /**
     * Read buffers no answer holds now, for the next ones: direct, so a socket read fills one without
     * the JDK's copy through a temporary direct buffer of its own, and made once instead of once per
     * answer (to llama-server, once per request). As many are kept as answers were read at once, up to
     * a bound.
     */
    private static final BlockingQueue<ByteBuffer> SPARE_BUFFERS = new ArrayBlockingQueue<>(256);

    private final EngineHttp.Connection conn;
    private final ByteBuffer buf;
    private State state;
    private long left; // of the current chunk, or of the Content-Length
    private boolean keepAlive;
    private boolean closed;

    private int status;
    private String contentType;

    private EngineBody(EngineHttp.Connection conn) {
        this.conn = conn;
        this.buf = takeBuffer().clear().flip(); // empty, ready to read from
    }

    private static ByteBuffer takeBuffer() {
        ByteBuffer spare = SPARE_BUFFERS.poll();
        return spare != null ? spare : ByteBuffer.allocateDirect(BUFFER);
    }

    /**
     * Once the answer is read to its end (by the thread reading it: nothing touches the buffer after),
     * or its head failed: its buffer serves a next one.
     */
    private void giveBuffer() {
        SPARE_BUFFERS.offer(buf); // past the bound, dropped
    }

    /**
     * Reads the answer's head; the body is then read from the stream returned.
     *
     * @throws EOFException the connection closed before a byte of an answer came (a kept-alive connection the
     *                      engine had closed: worth one more try on a fresh one)
     */
    static EngineBody read(EngineHttp.Connection conn) throws IOException {
        EngineBody body = new EngineBody(conn);
        try {
            body.head();
        } catch (IOException | RuntimeException e) {
            body.giveBuffer();
            throw e;
        }
        return body;
    }

    int status() { return status; }

    /** The Content-Type, or null when the engine sent none. */
    String contentType() { return contentType; }

    private void head() throws IOException {
        String statusLine;
        do { // an interim 1xx answer (100 Continue) is followed by the real one
            statusLine = line(true);
            if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
                throw new ProtocolException("not an HTTP/1.x answer: " + printable(statusLine));
            }
            try {
                status = Integer.parseInt(statusLine.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new ProtocolException("no status code: " + printable(statusLine));
            }
            headers();
        } while (status >= 100 && status < 200);
        keepAlive &= statusLine.startsWith("HTTP/1.1");
    }

    private void headers() throws IOException {
        keepAlive = true;
        boolean chunked = false;
        long length = -1;
        for (String h; !(h = line(false)).isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new ProtocolException("malformed header line: " + printable(h));
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("content-type")) {
                contentType = value;
            } else if (name.equalsIgnoreCase("content-length")) {
                try {
                    length = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("bad Content-Length: " + printable(value));
                }
            } else if (name.equalsIgnoreCase("transfer-encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).endsWith("chunked");
            } else if (name.equalsIgnoreCase("connection")) {
                keepAlive &= !value.toLowerCase(java.util.Locale.ROOT).contains("close");
            }
        }
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            state = State.LENGTH;
            left = 0;
        } else if (chunked) {
            state = State.SIZE;
        } else if (length >= 0) {
            state = State.LENGTH;
            left = length;
        } else {
            state = State.UNTIL_CLOSE;
            keepAlive = false;
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (len == 0) {
            return 0;
        }
        int n = 0;
        while (n < len && state != State.DONE) {
            switch (state) {
                case DATA, LENGTH -> {
                    if (state == State.LENGTH && left == 0) {
                        finish();
                        continue;
                    }
                    if (!buf.hasRemaining()) {
                        if (n > 0) return n; // give what there is; the next call waits for more
                        if (fill() < 0) throw new EOFException("the engine closed the connection mid-answer");
                    }
                    int k = (int) Math.min(Math.min(left, buf.remaining()), len - n);
                    buf.get(dst, off + n, k);
                    n += k;
                    left -= k;
                    if (left == 0 && state == State.DATA) state = State.DATA_END;
                }
                case UNTIL_CLOSE -> {
                    if (!buf.hasRemaining()) {
                        if (n > 0) return n;
                        if (fill() < 0) {
                            finish();
                            continue;
                        }
                    }
                    int k = Math.min(buf.remaining(), len - n);
                    buf.get(dst, off + n, k);
                    n += k;
                }
                case DATA_END, SIZE, TRAILERS -> {
                    int eol = lineEnd();
                    if (eol < 0 && n > 0) return n; // what there is now, before waiting for the next size line
                    if (eol < 0 && !buf.hasRemaining()) { // the next chunk is still to come: mostly whole, in one read
                        if (fill() < 0) throw new EOFException("the engine closed the connection mid-answer");
                        continue;
                    }
                    if (eol >= 0 && state != State.TRAILERS && chunkLine(eol)) continue;
                    String line = line(false);
                    if (state == State.DATA_END) {
                        if (!line.isEmpty()) throw new ProtocolException("chunk not followed by CRLF");
                        state = State.SIZE;
                    } else if (state == State.SIZE) {
                        left = chunkSize(line);
                        state = left == 0 ? State.TRAILERS : State.DATA;
                    } else if (line.isEmpty()) {
                        finish();
                    }
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }
        return n == 0 && state == State.DONE ? -1 : n;
    }

    /** Body bytes already here, in the chunk being read: what a read now returns without waiting. */
    @Override
    public int available() {
        if (closed) return 0;
        return switch (state) {
            case DATA, LENGTH -> (int) Math.min(left, buf.remaining());
            case UNTIL_CLOSE -> buf.remaining();
            default -> 0;
        };
    }

    /** Read to its end: the connection serves another request, unless the engine said it closes. */
    private void finish() {
        state = State.DONE;
        if (keepAlive && !buf.hasRemaining()) {
            conn.release();
        } else {
            conn.close();
        }
        giveBuffer(); // what is left to read is the end (-1), which needs none
    }

    /** Before the end the connection is closed (the engine stops generating); after it, nothing to do. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (state != State.DONE) {
            conn.close(); // its buffer is not given back: a read on another thread may still be filling it
        }
    }

    private static long chunkSize(String line) throws ProtocolException {
        int semi = line.indexOf(';');
        String hex = (semi >= 0 ? line.substring(0, semi) : line).trim();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) throw new NumberFormatException();
            return size;
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad chunk size: " + printable(line));
        }
    }

    /** Where the line being read ends ({@code \n}), when it is whole in the buffer; else -1. */
    private int lineEnd() {
        for (int i = buf.position(); i < buf.limit(); i++) {
            if (buf.get(i) == '\n') return i;
        }
        return -1;
    }

    /**
     * A chunk's size line, or the empty line that ends its data, read where it lies in the buffer
     * (as the engine's chunks come, one or a few to a read) without making a string of it.
     *
     * @param eol where the line ends ({@link #lineEnd})
     * @return false for a line that is anything else (a chunk extension, an error): {@link #line} reads it
     */
    private boolean chunkLine(int eol) {
        int start = buf.position();
        int end = eol > start && buf.get(eol - 1) == '\r' ? eol - 1 : eol;
        if (state == State.DATA_END) {
            if (end != start) return false;
            state = State.SIZE;
        } else {
            if (end == start || end - start > 15) return false;
            long size = 0;
            for (int i = start; i < end; i++) {
                int digit = Character.digit(buf.get(i), 16);
                if (digit < 0) return false;
                size = size << 4 | digit;
            }
            left = size;
            state = size == 0 ? State.TRAILERS : State.DATA;
        }
        buf.position(eol + 1);
        return true;
    }

    /**
     * One line without its CRLF, reading more as needed.
     *
     * @param first the answer's first line: a connection closed before it is an {@link EOFException}
     */
    private String line(boolean first) throws IOException {
        StringBuilder sb = null;
        while (true) {
            int start = buf.position();
            for (int i = start; i < buf.limit(); i++) {
                if (buf.get(i) == '\n') {
                    int end = i > start && buf.get(i - 1) == '\r' ? i - 1 : i;
                    String part = latin1(start, end);
                    buf.position(i + 1);
                    if (sb == null) return part;
                    sb.append(part);
                    int n = sb.length();
                    if (end == i && n > 0 && sb.charAt(n - 1) == '\r') sb.setLength(n - 1); // CR ended the last fill
                    return sb.toString();
                }
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(latin1(start, buf.limit()));
            buf.position(buf.limit());
            if (sb.length() > MAX_LINE) throw new ProtocolException("a header or chunk line over " + MAX_LINE + " bytes");
            if (fill() < 0) {
                if (first && sb.isEmpty()) throw new EOFException("the engine closed the connection before answering");
                throw new EOFException("the engine closed the connection mid-answer");
            }
        }
    }

    /** The buffer's bytes from {@code start} to {@code end}, as ISO-8859-1. */
    private String latin1(int start, int end) {
        byte[] b = new byte[end - start];
        buf.get(start, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** One read from the socket into the (empty) buffer: bytes read, or -1 at its end. */
    private int fill() throws IOException {
        SocketChannel ch = conn.channel();
        buf.clear();
        int n;
        do {
            n = ch.read(buf);
        } while (n == 0);
        buf.flip();
        if (n > 0) conn.count(n);
        return n;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
