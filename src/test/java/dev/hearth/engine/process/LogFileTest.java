package dev.hearth.engine.process;

import dev.hearth.engine.LogBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The log file's rotation and the pump's line splitting, without a child process. */
class LogFileTest {

    @TempDir
    Path dir;

    @Test
    void LogFile_rotatesAndKeepsNewest_whenSizePassesLimit() throws Exception {
        Path log = dir.resolve("a/b/m.log");
        try (var file = new LogFile(log, 100, 2)) {
            for (int i = 0; i < 40; i++) {
                file.append("line %02d 123456789".formatted(i)); // 20 bytes with the newline
            }
        }

        assertThat(Files.readString(log)).isEqualTo(lines(35, 40));
        assertThat(Files.readString(log.resolveSibling("m.log.1"))).isEqualTo(lines(30, 35));
        assertThat(Files.readString(log.resolveSibling("m.log.2"))).isEqualTo(lines(25, 30));
        assertThat(log.resolveSibling("m.log.3")).doesNotExist();
    }

    @Test
    void LogFile_appendsToExistingFile_whenReopened() throws Exception {
        Path log = dir.resolve("m.log");
        try (var file = new LogFile(log, 1_000, 1)) {
            file.append("first");
        }
        var file = new LogFile(log, 1_000, 1);
        file.append("second");
        file.close();
        file.append("after close is dropped");

        assertThat(Files.readString(log)).isEqualTo("first\nsecond\n");
    }

    @Test
    void LogFile_writesBufferedLines_onFlushAndBeforeRotating() throws Exception {
        Path log = dir.resolve("m.log");
        try (var file = new LogFile(log, 100, 1)) {
            file.append("first 56789012345678"); // 21 bytes with the newline: written at once
            file.appendBuffered("second");
            assertThat(Files.readString(log)).isEqualTo("first 56789012345678\n");
            file.flush();
            assertThat(Files.readString(log)).isEqualTo("first 56789012345678\nsecond\n");

            for (int i = 0; i < 5; i++) file.appendBuffered("line %02d 123456789".formatted(i)); // 18 bytes each
            assertThat(Files.readString(log.resolveSibling("m.log.1")))
                    .isEqualTo("first 56789012345678\nsecond\n" + lines(0, 4));
        }
        assertThat(Files.readString(log)).as("close writes what is left").isEqualTo(lines(4, 5));
    }

    @Test
    void LogPump_writesEveryLineToTheFile_whenTheChildsOutputEnds() throws Exception {
        Path log = dir.resolve("pump.log");
        var file = new LogFile(log, 10_000, 1);
        var pump = new LogPump(new ByteArrayInputStream("a\nb\nc".getBytes(StandardCharsets.UTF_8)), new LogBuffer(10),
                file, InstantSource.system());

        pump.start("test-pump");

        assertThat(pump.awaitDrained(Duration.ofSeconds(10))).isTrue();
        assertThat(Files.readString(log)).isEqualTo("a\nb\nc\n");
        file.close();
    }

    @Test
    void LogPump_splitsOnNewlineAndCarriageReturn_whenToolsRedrawProgress() {
        var ring = new LogBuffer(10);
        var input = "one\r\ntwo\rthree 10%\rthree 100%\n\nlast".getBytes(StandardCharsets.UTF_8);
        var pump = new LogPump(new ByteArrayInputStream(input), ring, null, InstantSource.system());

        pump.start("test-pump");

        assertThat(pump.awaitDrained(Duration.ofSeconds(10))).isTrue();
        assertThat(ring.tail(10)).containsExactly("one", "two", "three 10%", "three 100%", "", "last");
    }

    @Test
    void LogPump_keepsMultiByteCharacters_whenAPipeHandsThemOverAByteAtATime() {
        var ring = new LogBuffer(10);
        byte[] bytes = "héllo → wörld\r\n日本語\n".getBytes(StandardCharsets.UTF_8);
        var aByteARead = new java.io.InputStream() {
            int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= bytes.length) return -1;
                b[off] = bytes[i++];
                return 1;
            }
        };
        var pump = new LogPump(aByteARead, ring, null, InstantSource.system(), () -> {}); // no pause per byte

        pump.start("test-pump");

        assertThat(pump.awaitDrained(Duration.ofSeconds(10))).isTrue();
        assertThat(ring.tail(10)).containsExactly("héllo → wörld", "日本語");
    }

    @Test
    void LogPump_cutsLine_whenItNeverEnds() {
        var ring = new LogBuffer(10);
        var input = "x".repeat(LogPump.MAX_LINE_BYTES * 3).getBytes(StandardCharsets.UTF_8);
        var pump = new LogPump(new ByteArrayInputStream(input), ring, null, InstantSource.system());

        pump.start("test-pump");

        assertThat(pump.awaitDrained(Duration.ofSeconds(10))).isTrue();
        assertThat(ring.tail(10)).singleElement().asString().hasSize(LogPump.MAX_LINE_BYTES);
    }

    private static String lines(int from, int to) {
        var sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("line %02d 123456789\n".formatted(i));
        }
        return sb.toString();
    }
}
