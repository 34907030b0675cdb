package dev.hearth.engine.testsrc;

import dev.hearth.catalog.EngineKind;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.llamacpp.LlamaCppCommand;
import dev.hearth.engine.process.JavaCommand;
import dev.hearth.engine.worker.WorkerMessages;
import dev.hearth.engine.worker.WorkerMessages.Cancel;
import dev.hearth.engine.worker.WorkerMessages.MalformedLine;
import dev.hearth.engine.worker.WorkerMessages.Run;
import dev.hearth.engine.worker.WorkerMessages.Shutdown;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The {@code testsrc} worker: a synthetic video source speaking the worker protocol, so the whole
 * job path (queue, worker, progress, cancel, outputs) runs without a GPU or model weights.
 *
 * <p>stdin is read on the main thread and each job renders on a thread of its own, so a
 * {@code cancel} arrives while frames are being drawn; it is honoured between frames.
 */
public final class TestsrcWorkerMain {

    /** Its model card. */
    public static final String DESCRIPTION = EngineKind.TESTSRC_DESCRIPTION;

    public static final List<String> TASKS = List.of("t2v", "i2v");
    static final String VIDEO = "video.mp4";
    static final String PARTIAL = ".video.mp4.tmp";
    /** With {@code "hold": true} the job waits before its last frame until this file is in its output_dir. */
    public static final String RELEASE = "release";
    /** While held, the last progress is sent again this often, so a held job never looks stalled. */
    private static final long HOLD_BEAT_MS = 1000;
    private static final long HOLD_POLL_MS = 20;
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
    private static final int MAX_SIDE = 3840;
    private static final int MAX_FRAMES = 24 * 600;

    private final PrintStream protocol;
    private final PrintStream log;
    private volatile Job current;

    /**
     * @param over set just before the job's last message (done, error, cancelled) is sent: Hearth may
     *             send the next run as soon as it reads that line, while this thread is still ending
     */
    private record Job(String id, AtomicBoolean cancel, AtomicBoolean over, Thread thread) { }

    /** A bad request: reported as an {@code error} with this code, never a crash. */
    private static final class JobFailure extends Exception {
        final String code;

        JobFailure(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    TestsrcWorkerMain(PrintStream protocol, PrintStream log) {
        this.protocol = protocol;
        this.log = log;
    }

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("java.awt.headless", "true");
        PrintStream protocol = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        System.setOut(System.err); // a stray print must land in the log, not corrupt the protocol
        new TestsrcWorkerMain(protocol, System.err).serve(System.in);
        System.exit(0);
    }

    /**
     * {@code java … TestsrcWorkerMain} with this JVM's runtime and (absolute) class path, as
     * {@link LlamaCppCommand#argv} builds its child: a small heap, frames are a few MB.
     */
    public static List<String> argv() {
        return List.copyOf(JavaCommand.of(TestsrcWorkerMain.class, "--enable-native-access=ALL-UNNAMED",
                "-Djava.awt.headless=true", "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    /** Until {@code shutdown} or the end of stdin (Hearth died): either way a running job is stopped first. */
    void serve(InputStream in) throws InterruptedException {
        log.println("testsrc: " + DESCRIPTION);
        send(new WorkerMessages.Ready(WorkerMessages.PROTOCOL, TASKS));
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    switch (WorkerMessages.parseToWorker(line)) {
                        case Run run -> begin(run);
                        case Cancel cancel -> cancel(cancel.job());
                        case Shutdown s -> {
                            log.println("testsrc: shutdown");
                            stopCurrent();
                            return;
                        }
                    }
                } catch (MalformedLine e) {
                    log.println("testsrc: ignored a bad line from Hearth: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            log.println("testsrc: stdin failed: " + e.getMessage());
        }
        log.println("testsrc: stdin closed, exiting");
        stopCurrent();
    }

    private void begin(Run run) {
        Job running = current;
        if (running != null && !running.over().get() && running.thread().isAlive()) {
            send(new WorkerMessages.Error(run.job(), "busy", "job " + running.id() + " is still running"));
            return;
        }
        var cancel = new AtomicBoolean();
        var over = new AtomicBoolean();
        Thread t = Thread.ofPlatform().name("testsrc-" + run.job()).unstarted(() -> runJob(run, cancel, over));
        current = new Job(run.job(), cancel, over, t);
        t.start();
    }

    private void cancel(String job) {
        Job running = current;
        if (running != null && running.id().equals(job)) {
            running.cancel().set(true);
        }
    }

    private void stopCurrent() throws InterruptedException {
        Job running = current;
        if (running != null) {
            running.cancel().set(true);
            running.thread().join();
        }
    }

    private void runJob(Run run, AtomicBoolean cancel, AtomicBoolean over) {
        try {
            render(run, cancel, over);
        } catch (JobFailure e) {
            sendLast(over, new WorkerMessages.Error(run.job(), e.code, e.getMessage()));
        } catch (IOException | RuntimeException e) {
            e.printStackTrace(log);
            sendLast(over, new WorkerMessages.Error(run.job(), "internal", String.valueOf(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void render(Run run, AtomicBoolean cancel, AtomicBoolean over) throws JobFailure, IOException, InterruptedException {
        ObjectNode params = run.params();
        int[] size = size(text(params, "size", "640x360"));
        int fps = integer(params, "fps", 24, 1, 120);
        double seconds = number(params, "seconds", 2);
        long frames = Math.round(fps * seconds);
        if (frames < 1 || frames > MAX_FRAMES) {
            throw new JobFailure("bad_params", "fps × seconds must give 1 to " + MAX_FRAMES + " frames, got " + frames);
        }
        long seed = params != null && params.hasNonNull("seed") ? params.get("seed").asLong() : 0;
        boolean hold = flag(params, "hold");
        String prompt = text(params, "prompt", "");
        BufferedImage image = inputImage(run);
        if (run.outputDir() == null) {
            throw new JobFailure("bad_params", "no output_dir");
        }
        Path dir = Path.of(run.outputDir());
        Files.createDirectories(dir);
        Path partial = dir.resolve(PARTIAL);
        var drawer = new TestsrcFrames(size[0], size[1], fps, (int) frames, prompt, seed, image);
        log.printf("testsrc: job %s: %s %dx%d %d fps %d frames seed %d%n", run.job(), run.task(), size[0], size[1], fps,
                frames, seed);
        FfmpegEncoder encoder;
        try {
            encoder = new FfmpegEncoder(size[0], size[1], fps, partial, log);
        } catch (IOException e) {
            throw new JobFailure("encoder", "could not start ffmpeg: " + e.getMessage());
        }
        try (encoder) {
            for (int i = 0; i < frames; i++) {
                if (hold && i == frames - 1) {
                    awaitRelease(run.job(), dir.resolve(RELEASE), cancel, i / (double) frames, i, (int) frames);
                }
                if (cancel.get()) {
                    encoder.close();
                    Files.deleteIfExists(partial);
                    sendLast(over, new WorkerMessages.Cancelled(run.job()));
                    return;
                }
                try {
                    encoder.write(drawer.frame(i));
                } catch (IOException e) {
                    int code = encoder.finish();
                    Files.deleteIfExists(partial);
                    throw new JobFailure("encoder", "ffmpeg stopped reading frames (exit code " + code + "): "
                            + encoder.lastLines());
                }
                send(new WorkerMessages.Progress(run.job(), (i + 1.0) / frames, "render", i + 1, (int) frames));
            }
            int code = encoder.finish();
            if (code != 0) {
                Files.deleteIfExists(partial);
                throw new JobFailure("encoder", "ffmpeg exited with code " + code + ": " + encoder.lastLines());
            }
        }
        Path video = dir.resolve(VIDEO);
        Files.move(partial, video, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        send(new WorkerMessages.Output(run.job(), video.toAbsolutePath().toString(), "video/mp4"));
        sendLast(over, new WorkerMessages.Done(run.job()));
    }

    /**
     * {@code hold}: the job stays running, its last frame not drawn, until {@code release} exists
     * in its output directory or it is cancelled; a test (or a demo) decides when it ends, however
     * fast the machine draws.
     */
    private void awaitRelease(String job, Path release, AtomicBoolean cancel, double progress, int step, int steps)
            throws InterruptedException {
        log.printf("testsrc: job %s held before its last frame until %s exists%n", job, release);
        long beat = System.nanoTime();
        while (!cancel.get() && !Files.exists(release)) {
            if (System.nanoTime() - beat >= HOLD_BEAT_MS * 1_000_000) {
                send(new WorkerMessages.Progress(job, progress, "hold", step, steps));
                beat = System.nanoTime();
            }
            Thread.sleep(HOLD_POLL_MS);
        }
    }

    private static boolean flag(ObjectNode params, String key) throws JobFailure {
        JsonNode v = params == null ? null : params.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new JobFailure("bad_params", key + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static BufferedImage inputImage(Run run) throws JobFailure {
        String path = run.inputs() == null ? null : run.inputs().get("image");
        if (path == null) {
            return null; // i2v without an image draws the same as t2v: a test source needs no input
        }
        try {
            BufferedImage image = ImageIO.read(Path.of(path).toFile());
            if (image == null) {
                throw new JobFailure("bad_input", "inputs.image is not an image ImageIO can read: " + path);
            }
            return image;
        } catch (IOException e) {
            throw new JobFailure("bad_input", "cannot read inputs.image " + path + ": " + e.getMessage());
        }
    }

    /** "WxH" with even sides: yuv420p halves both. */
    static int[] size(String s) throws JobFailure {
        var m = SIZE.matcher(s);
        if (!m.matches()) {
            throw new JobFailure("bad_params", "size must look like 640x360, got '" + s + "'");
        }
        int w = Integer.parseInt(m.group(1));
        int h = Integer.parseInt(m.group(2));
        if (w < 16 || h < 16 || w > MAX_SIDE || h > MAX_SIDE || w % 2 != 0 || h % 2 != 0) {
            throw new JobFailure("bad_params", "size must have even sides from 16 to " + MAX_SIDE + ", got " + s);
        }
        return new int[] {w, h};
    }

    private static String text(ObjectNode params, String key, String dflt) {
        JsonNode v = params == null ? null : params.get(key);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static int integer(ObjectNode params, String key, int dflt, int min, int max) throws JobFailure {
        double v = number(params, key, dflt);
        if (v != Math.rint(v) || v < min || v > max) {
            throw new JobFailure("bad_params", key + " must be a whole number from " + min + " to " + max + ", got " + v);
        }
        return (int) v;
    }

    private static double number(ObjectNode params, String key, double dflt) throws JobFailure {
        JsonNode v = params == null ? null : params.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() && !(v.isTextual() && v.asText().matches("-?\\d+(\\.\\d+)?"))) {
            throw new JobFailure("bad_params", key + " must be a number, got " + v);
        }
        double d = v.asDouble();
        if (!(d > 0)) {
            throw new JobFailure("bad_params", key + " must be positive, got " + d);
        }
        return d;
    }

    /** A job's final message: from here on the worker takes the next run. */
    private void sendLast(AtomicBoolean over, Record message) {
        over.set(true);
        send(message);
    }

    private void send(Record message) {
        synchronized (protocol) {
            protocol.println(WorkerMessages.write(message));
            protocol.flush();
        }
    }
}
