package dev.hearth.engine.testsrc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One ffmpeg process turning raw rgb24 frames on its stdin into an H.264 MP4. Its stderr goes to
 * the worker's log (which is Hearth's log of the model) and its last lines are kept for the
 * {@code encoder} error a failed encode reports.
 */
final class FfmpegEncoder implements AutoCloseable {
    /** Which ffmpeg to run; tests point it at a broken one to see the {@code encoder} error. */
    static final String BINARY_ENV = "HEARTH_FFMPEG";
    private static final int KEPT_LINES = 15;

    private final Process process;
    private final OutputStream stdin;
    private final ArrayDeque<String> lastLines = new ArrayDeque<>();
    private final Thread stderrPump;

    FfmpegEncoder(int width, int height, int fps, Path out, PrintStream log) throws IOException {
        String ffmpeg = System.getenv().getOrDefault(BINARY_ENV, "ffmpeg");
        var argv = List.of(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostats", "-y",
                "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", width + "x" + height, "-r", Integer.toString(fps),
                "-i", "-",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-movflags", "+faststart",
                "-f", "mp4", // the temp name's extension does not say mp4
                out.toString());
        this.process = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        this.stdin = process.getOutputStream();
        this.stderrPump = Thread.ofVirtual().name("ffmpeg-stderr").start(() -> pump(log));
    }

    void write(byte[] frame) throws IOException {
        stdin.write(frame);
    }

    /** Ends the input and waits for the file to be finished; the exit code, 0 when it is whole. */
    int finish() throws IOException, InterruptedException {
        try {
            stdin.close();
        } catch (IOException e) {
            // ffmpeg already died: its exit code and stderr say why
        }
        int code = process.waitFor();
        stderrPump.join(TimeUnit.SECONDS.toMillis(5));
        return code;
    }

    /** ffmpeg's last stderr lines, for the error message. */
    String lastLines() {
        synchronized (lastLines) {
            return lastLines.isEmpty() ? "(ffmpeg wrote nothing)" : String.join("\n", lastLines);
        }
    }

    /** Kills ffmpeg (cancel, or a failure on our side); idempotent. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(PrintStream log) {
        try (var in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println("ffmpeg: " + line);
                synchronized (lastLines) {
                    if (lastLines.size() == KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(line);
                }
            }
        } catch (IOException e) {
            // ffmpeg was killed
        }
    }
}
