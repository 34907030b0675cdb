package dev.hearth.engine.process;

import dev.hearth.engine.LogBuffer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** How often the pump reads a child's output: once per burst of lines, not once per write. */
class LogPumpTest {

    @Test
    void linesWrittenOneAtATime_whileThePumpLingers_comeInOneRead() {
        var pipe = new Pipe();
        var ring = new LogBuffer(100);
        var pausedAfterRead = new CopyOnWriteArrayList<Integer>();
        var pump = new LogPump(pipe, ring, null, InstantSource.system(), () -> {
            pausedAfterRead.add(pipe.dataReads());
            if (pipe.dataReads() == 1) {
                // the engine goes on logging, a line per write, while the pump waits
                IntStream.rangeClosed(2, 12).forEach(i -> pipe.write("request line " + i + "\n"));
            } else {
                pipe.close();
            }
        });
        pipe.write("request line 1\n");

        pump.start("test-pump");

        assertThat(pump.awaitDrained(Duration.ofSeconds(10))).isTrue();
        assertThat(ring.tail(20)).containsExactlyElementsOf(
                IntStream.rangeClosed(1, 12).mapToObj(i -> "request line " + i).toList());
        assertThat(pipe.dataReads()).as("twelve writes, two reads").isEqualTo(2);
        assertThat(pausedAfterRead).containsExactly(1, 2);
    }

    @Test
    void aChildWritingFast_isReadAgainAtOnce_withoutAPause() {
        var pipe = new Pipe();
        var ring = new LogBuffer(1000);
        var pausedAfterRead = new CopyOnWriteArrayList<Integer>();
        var pump = new LogPump(pipe, ring, null, InstantSource.system(), () -> {
            pausedAfterRead.add(pipe.dataReads());
            pipe.close();
        });
        String line = "x".repeat(99) + "\n";
        pipe.write(line.repeat(700)); // 70,000 bytes at once: more than one read takes

        pump.start("test-pump");

        assertThat(pump.awaitDrained(Duration.ofSeconds(10))).isTrue();
        assertThat(pipe.dataReads()).isEqualTo(2);
        assertThat(pausedAfterRead).as("no pause after the full read, one after the small one").containsExactly(2);
        assertThat(ring.written()).isEqualTo(700);
    }

    @Test
    void aReaderOfTheLog_seesTheLinesWrittenBeforeIt_withoutWaitingOutThePause() {
        var pipe = new Pipe();
        var ring = new LogBuffer(100);
        pausingAfterALine(pipe, ring);

        pipe.write("request 1 done\n"); // written during the pause

        assertTimeoutPreemptively(Duration.ofMinutes(1), () ->
                assertThat(ring.tail(10)).containsExactly("loaded", "request 1 done"));
        pipe.close(); // the pump, pausing again, ends at its next read
    }

    @Test
    void aReaderOfTheLog_whenNothingWaitsInThePipe_doesNotWaitAtAll() {
        var pipe = new Pipe();
        var ring = new LogBuffer(100);
        var pump = pausingAfterALine(pipe, ring);

        assertTimeoutPreemptively(Duration.ofMinutes(1), () -> assertThat(ring.tail(10)).containsExactly("loaded"));
        assertThat(pump.pausing()).as("the pause goes on: nothing to read").isTrue();
        pipe.close();
    }

    /**
     * A pump whose pause (ten minutes: a reader that waited it out would fail its test) has begun
     * after it read "loaded", with {@code ring}'s reads catching it up.
     */
    private static LogPump pausingAfterALine(Pipe pipe, LogBuffer ring) {
        var pump = new LogPump(pipe, ring, null, InstantSource.system(), Duration.ofMinutes(10));
        ring.freshenWith(() -> pump.catchUp(Duration.ofMinutes(10)));
        pipe.write("loaded\n");
        pump.start("test-pump");
        await().atMost(Duration.ofSeconds(10)).until(pump::pausing);
        return pump;
    }

    /**
     * A pipe as the kernel's behaves for a reader: a read returns whatever has been written and not
     * yet read, as much as fits (a read after several writes gets them all at once), and blocks while
     * there is nothing.
     */
    private static final class Pipe extends InputStream {
        private final List<byte[]> written = new ArrayList<>(); // guarded by this
        private boolean closed; // guarded by this
        private int dataReads; // guarded by this

        synchronized void write(String s) {
            written.add(s.getBytes(StandardCharsets.UTF_8));
            notifyAll();
        }

        @Override
        public synchronized void close() {
            closed = true;
            notifyAll();
        }

        synchronized int dataReads() {
            return dataReads;
        }

        @Override
        public synchronized int available() {
            return written.stream().mapToInt(w -> w.length).sum();
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the pump reads into its buffer");
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) throws InterruptedIOException {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (written.isEmpty() && !closed) {
                long left = until - System.nanoTime();
                if (left <= 0) throw new InterruptedIOException("nothing written in 10 s");
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("interrupted");
                }
            }
            if (written.isEmpty()) return -1;
            int n = 0;
            while (!written.isEmpty() && n < len) {
                byte[] w = written.removeFirst();
                int take = Math.min(w.length, len - n);
                System.arraycopy(w, 0, b, off + n, take);
                if (take < w.length) written.addFirst(java.util.Arrays.copyOfRange(w, take, w.length));
                n += take;
            }
            dataReads++;
            return n;
        }
    }
}
