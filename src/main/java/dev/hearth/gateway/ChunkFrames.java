package dev.hearth.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * A stream's chunks written to the client's connection as HTTP/1.1 chunk frames, each in one write
 * from one buffer of its own, once the response's head has gone out. Helidon's response stream
 * frames each chunk too, through a buffered stream, a new buffer, a hex string and a copy per
 * chunk; on a connection's own thread ({@link Http1Front}) the proxy writes the frames itself, to the
 * same connection writer, and the response's stream still ends it (the last chunk, any trailers).
 * A profile of 16 clients streaming 64 tokens each put Helidon's per-chunk layers at a sixth of the
 * connection threads' own (non-kernel) time (BENCHMARKS.md).
 */
final class ChunkFrames {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The most a chunk's size takes in hex (a chunk is at most a read buffer, well under 2^32), and its CRLF. */
    private static final int HEAD_ROOM = 8 + 2;

    private final DataWriter writer;
    private byte[] frame = new byte[0];

    ChunkFrames(DataWriter writer) {
        this.writer = writer;
    }

    /** Frames for the response being served on this connection's own thread; null on any other. */
    static ChunkFrames onThisConnection() {
        DataWriter writer = Http1Front.connectionWriter();
        return writer == null ? null : new ChunkFrames(writer);
    }

    /**
     * Writes {@code n} bytes of {@code data} as one chunk (none for {@code n} 0).
     *
     * @return false when the client is gone
     */
    boolean write(byte[] data, int n) {
        if (n <= 0) return true;
        if (frame.length < HEAD_ROOM + n + 2) frame = new byte[HEAD_ROOM + n + 2];
        int start = HEAD_ROOM - 2;
        frame[start] = '\r';
        frame[start + 1] = '\n';
        for (int size = n; size != 0; size >>>= 4) {
            frame[--start] = HEX[size & 0xf];
        }
        System.arraycopy(data, 0, frame, HEAD_ROOM, n);
        frame[HEAD_ROOM + n] = '\r';
        frame[HEAD_ROOM + n + 1] = '\n';
        try {
            writer.write(BufferData.create(frame, start, HEAD_ROOM + n + 2 - start));
            return true;
        } catch (RuntimeException clientGone) {
            // Helidon reports a closed connection with its own runtime exception types
            return false;
        }
    }
}
