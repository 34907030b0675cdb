package dev.hearth.gateway;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The chunk frames the proxy writes itself, as an HTTP/1.1 client reads them. */
class ChunkFramesTest {
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private boolean gone;

    private final DataWriter writer = new DataWriter() {
        @Override public void write(BufferData... buffers) { for (BufferData b : buffers) write(b); }
        @Override public void write(BufferData buffer) {
            if (gone) throw new java.io.UncheckedIOException(new java.io.IOException("Broken pipe"));
            wire.writeBytes(buffer.readBytes());
        }
        @Override public void writeNow(BufferData... buffers) { write(buffers); }
        @Override public void writeNow(BufferData buffer) { write(buffer); }
    };

    @Test
    void eachWrite_isOneChunk_itsSizeInHex_whateverItsLength() {
        ChunkFrames frames = new ChunkFrames(writer);
        StringBuilder expected = new StringBuilder();
        for (int n : new int[] {1, 15, 16, 255, 256, 4096, 16 * 1024, 3}) {
            byte[] data = new byte[n + 5]; // only the first n bytes are the chunk
            Arrays.fill(data, (byte) 'x');
            assertThat(frames.write(data, n)).isTrue();
            expected.append(Integer.toHexString(n)).append("\r\n").append("x".repeat(n)).append("\r\n");
        }
        assertThat(frames.write(new byte[4], 0)).as("nothing: no chunk (a 0 would end the body)").isTrue();
        assertThat(wire.toString(StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
    }

    @Test
    void aClientGone_isFalse_notAnException() {
        gone = true;
        assertThat(new ChunkFrames(writer).write("data: {}\n\n".getBytes(StandardCharsets.US_ASCII), 10)).isFalse();
    }
}
