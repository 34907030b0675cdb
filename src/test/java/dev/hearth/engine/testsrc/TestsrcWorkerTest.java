package dev.hearth.engine.testsrc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hearth.engine.process.ChildSpec;
import dev.hearth.engine.JobRequest;
import dev.hearth.engine.worker.WorkerEngine;
import dev.hearth.engine.WorkerListener;
import dev.hearth.engine.WorkerRun;
import dev.hearth.engine.worker.WorkerSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The testsrc worker as a real child JVM, through the real {@link WorkerEngine}, encoding with the real ffmpeg. */
class TestsrcWorkerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    private WorkerEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    private WorkerEngine testsrc(Map<String, String> env) {
        engine = new WorkerEngine(new WorkerSpec(new ChildSpec("testsrc", TestsrcWorkerMain.argv(), env, null,
                Duration.ofSeconds(60), Duration.ofSeconds(5), tmp.resolve("logs/testsrc.log")),
                Duration.ofSeconds(30), Duration.ofSeconds(10)));
        engine.start();
        return engine;
    }

    private JobRequest job(String id, String task, String params, Map<String, String> inputs) throws Exception {
        return new JobRequest(id, task, (ObjectNode) JSON.readTree(params), inputs, tmp.resolve("out/" + id));
    }

    static final class Recorder implements WorkerListener {
        final List<Double> progress = new CopyOnWriteArrayList<>();
        final List<Integer> steps = new CopyOnWriteArrayList<>();
        final List<String> stages = new CopyOnWriteArrayList<>();
        final List<String> outputs = new CopyOnWriteArrayList<>();

        @Override
        public void progress(double p, String stage, int step, int of) {
            progress.add(p);
            steps.add(step);
            stages.add(stage);
        }

        @Override
        public void output(Path path, String contentType) {
            outputs.add(path + " " + contentType);
        }
    }

    @Test
    void run_makesH264Mp4WithProgressPerFrame_whenAskedForOneSecond() throws Exception {
        var e = testsrc(Map.of());
        assertThat(e.logs().tail(100)).anyMatch(l -> l.contains("ready for tasks [t2v, i2v]"))
                .anyMatch(l -> l.contains("NOT a model"));
        var rec = new Recorder();
        var outcome = e.run(job("j1", "t2v", "{\"size\":\"320x240\",\"fps\":10,\"seconds\":1,\"seed\":7,\"prompt\":\"a red fox\"}",
                null), rec);

        assertThat(outcome).isEqualTo(new WorkerRun.Done());
        assertThat(rec.steps).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(rec.progress).isSorted().endsWith(1.0);
        assertThat(rec.stages).containsOnly("render");
        Path video = tmp.resolve("out/j1/video.mp4");
        assertThat(rec.outputs).containsExactly(video.toAbsolutePath() + " video/mp4");
        assertThat(tmp.resolve("out/j1/" + TestsrcWorkerMain.PARTIAL)).doesNotExist();
        JsonNode stream = probe(video);
        assertThat(stream.path("codec_name").asText()).isEqualTo("h264");
        assertThat(stream.path("width").asInt()).isEqualTo(320);
        assertThat(stream.path("height").asInt()).isEqualTo(240);
        assertThat(stream.path("nb_frames").asText()).isEqualTo("10");
        assertThat(stream.path("r_frame_rate").asText()).isEqualTo("10/1");
    }

    @Test
    void run_keepsTheSameWorker_whenJobsFollowEachOther() throws Exception {
        var e = testsrc(Map.of());
        long pid = e.pid().orElseThrow();
        assertThat(e.run(job("j1", "t2v", "{\"size\":\"64x48\",\"fps\":4,\"seconds\":1}", null), WorkerListener.NONE))
                .isEqualTo(new WorkerRun.Done());
        Path image = tmp.resolve("in.png");
        ImageIO.write(new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        assertThat(e.run(job("j2", "i2v", "{\"size\":\"64x48\",\"fps\":4,\"seconds\":1}",
                Map.of("image", image.toString())), WorkerListener.NONE)).isEqualTo(new WorkerRun.Done());
        assertThat(e.pid()).hasValue(pid);
        assertThat(tmp.resolve("out/j1/video.mp4")).isNotEmptyFile();
        assertThat(tmp.resolve("out/j2/video.mp4")).isNotEmptyFile();
    }

    @Test
    void cancel_stopsRenderingAndLeavesNoVideo_whenJobIsRunning() throws Exception {
        var e = testsrc(Map.of());
        long pid = e.pid().orElseThrow();
        var rec = new Recorder();
        // held before its last frame until cancelled: running when cancel comes, however fast the machine
        var req = job("j1", "t2v", "{\"size\":\"64x48\",\"fps\":10,\"seconds\":1,\"hold\":true}", null);
        var outcome = CompletableFuture.supplyAsync(() -> e.run(req, rec));
        await().atMost(Duration.ofSeconds(30)).until(() -> !rec.steps.isEmpty());
        assertThat(e.cancel("j1")).isTrue();

        assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(new WorkerRun.Cancelled());
        assertThat(rec.steps).doesNotContain(10);
        assertThat(tmp.resolve("out/j1/video.mp4")).doesNotExist();
        assertThat(tmp.resolve("out/j1/" + TestsrcWorkerMain.PARTIAL)).doesNotExist();
        assertThat(e.pid()).hasValue(pid); // it answered cancelled in time: not killed, model still loaded
    }

    @Test
    void hold_keepsTheJobBeforeItsLastFrame_untilTheReleaseFileAppears() throws Exception {
        var e = testsrc(Map.of());
        var rec = new Recorder();
        var req = job("j1", "t2v", "{\"size\":\"64x48\",\"fps\":4,\"seconds\":1,\"hold\":true}", null);
        var outcome = CompletableFuture.supplyAsync(() -> e.run(req, rec));
        // held: progress beats at step 3 of 4 ("hold") come, and nothing more, until the file is there
        await().atMost(Duration.ofSeconds(30)).until(() -> rec.stages.contains("hold"));
        assertThat(outcome).isNotDone();
        assertThat(rec.steps).doesNotContain(4);

        Files.writeString(tmp.resolve("out/j1").resolve(TestsrcWorkerMain.RELEASE), "");

        assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(new WorkerRun.Done());
        assertThat(rec.steps).contains(4);
        assertThat(probe(tmp.resolve("out/j1/video.mp4")).path("nb_frames").asInt()).isEqualTo(4);
    }

    @Test
    void run_failsWithBadParams_whenHoldIsNotABoolean() throws Exception {
        var e = testsrc(Map.of());
        var outcome = e.run(job("j1", "t2v", "{\"size\":\"64x48\",\"hold\":\"yes\"}", null), WorkerListener.NONE);
        assertThat(outcome).isInstanceOfSatisfying(WorkerRun.Error.class, err -> {
            assertThat(err.code()).isEqualTo("bad_params");
            assertThat(err.message()).contains("hold");
        });
    }

    @Test
    void run_failsWithEncoderError_whenFfmpegFails() throws Exception {
        var e = testsrc(Map.of(FfmpegEncoder.BINARY_ENV, "/bin/false"));
        var outcome = e.run(job("j1", "t2v", "{\"size\":\"64x48\",\"fps\":4,\"seconds\":1}", null), WorkerListener.NONE);
        assertThat(outcome).isInstanceOfSatisfying(WorkerRun.Error.class, err -> {
            assertThat(err.code()).isEqualTo("encoder");
            assertThat(err.message()).contains("exit code 1");
        });
        assertThat(tmp.resolve("out/j1/video.mp4")).doesNotExist();
    }

    @Test
    void run_failsWithBadParams_whenSizeIsOdd() throws Exception {
        var e = testsrc(Map.of());
        var outcome = e.run(job("j1", "t2v", "{\"size\":\"321x240\"}", null), WorkerListener.NONE);
        assertThat(outcome).isInstanceOfSatisfying(WorkerRun.Error.class, err -> {
            assertThat(err.code()).isEqualTo("bad_params");
            assertThat(err.message()).contains("even");
        });
    }

    @Test
    void stop_endsWorkerThroughShutdownMessage_whenIdle() {
        var e = testsrc(Map.of());
        long pid = e.pid().orElseThrow();
        e.stop();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(e.logs().tail(20)).anyMatch(l -> l.contains("testsrc: shutdown"));
    }

    @Test
    void main_exits_whenStdinCloses() throws Exception {
        // Hearth died: nobody will ever send shutdown, and a worker must not outlive it
        var p = new ProcessBuilder(TestsrcWorkerMain.argv()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertThat(JSON.readTree(first).path("type").asText()).isEqualTo("ready");
            p.getOutputStream().close();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }

    private static JsonNode probe(Path video) throws Exception {
        var p = new ProcessBuilder("ffprobe", "-v", "error", "-show_entries",
                "stream=codec_name,width,height,nb_frames,r_frame_rate", "-of", "json", video.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        System.err.println("ffprobe: " + out.replaceAll("\\s+", " "));
        return JSON.readTree(out).path("streams").path(0);
    }
}
