package dev.hearth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hearth.app.Hearth;
import dev.hearth.catalog.ConfigLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * {@code hearth jobs} against a real Hearth on port 0 with the testsrc engine (a real worker child
 * drawing frames and encoding them with ffmpeg) and Debian's pocketsphinx as a transcription model.
 */
class JobsCommandTest {
    @TempDir
    static Path dir;
    static Hearth hearth;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        Path yaml = Files.writeString(dir.resolve("hearth.yaml"), """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                models:
                  testsrc:
                    engine: testsrc
                    defaults: { size: 160x96, fps: 8, seconds: 1 }
                  pocketsphinx-en-us:
                    task: transcription
                    engine: command
                    cmd: pocketsphinx_continuous -infile ${INPUT} -time yes
                    output_format: timed_words
                    defaults: { language: en }
                """.formatted(dir.resolve("data")));
        hearth = Hearth.start(ConfigLoader.load(yaml, Map.of()));
        url = hearth.baseUri().toString();
    }

    @AfterAll
    static void stop() {
        if (hearth != null) hearth.close();
    }

    private static CliRun jobs(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = args[0];
        all[1] = "--url";
        all[2] = url;
        System.arraycopy(args, 1, all, 3, args.length - 1);
        return CliRun.of(new JobsCommand(), all);
    }

    private static String idOf(CliRun submitted) {
        assertThat(submitted.code()).as(submitted.err()).isZero();
        return submitted.out().lines().findFirst().orElseThrow().split(" ")[0];
    }

    @Test
    void submitWait_followsAVideoJobToSucceeded_andOutputWritesTheMp4() throws Exception {
        Path out = dir.resolve("out");

        CliRun r = jobs("submit", "testsrc", "--prompt", "a red fox in the snow", "--param", "seed=7",
                "--params", "{\"fps\":8}", "--wait", "--output", out.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String id = idOf(r);
        assertThat(r.out()).contains(id + " succeeded");
        assertThat(r.err()).contains(id + "  succeeded").contains("saved " + out.resolve("video.mp4"));
        byte[] mp4 = Files.readAllBytes(out.resolve("video.mp4"));
        assertThat(new String(mp4, 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("ftyp");
        CliRun shown = jobs("show", id, "--json");
        JsonNode job = new ObjectMapper().readTree(shown.out());
        assertThat(job.path("params").path("seed").asLong()).isEqualTo(7);
        assertThat(job.path("prompt").asText()).isEqualTo("a red fox in the snow");
        assertThat(job.path("outputs").findValuesAsText("name")).contains("video.mp4");
        JsonNode video = job.path("outputs").findParents("name").stream()
                .filter(o -> o.path("name").asText().equals("video.mp4")).findFirst().orElseThrow();
        assertThat((long) mp4.length).isEqualTo(video.path("size").asLong());
    }

    @Test
    void submitImageFile_goesAsADataUri_andMakesAnImageToVideoJob() throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        Path png = dir.resolve("still.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());

        CliRun r = jobs("submit", "testsrc", "--image", png.toString(), "--prompt", "from a still", "--wait");

        assertThat(r.code()).as(r.err()).isZero();
        JsonNode job = new ObjectMapper().readTree(jobs("show", idOf(r), "--json").out());
        assertThat(job.path("task").asText()).isEqualTo("i2v");
        assertThat(job.path("state").asText()).isEqualTo("succeeded");
        assertThat(job.path("inputs").size()).isEqualTo(1);
    }

    @Test
    void listShowAndCancel_ofAHeldJob_andWatchExitsNonZeroForTheCancelledJob() throws Exception {
        String id = idOf(jobs("submit", "testsrc", "--prompt", "held", "--param", "hold=true"));
        org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS)
                .until(() -> jobs("list", "--state", "running").out().contains(id));

        CliRun list = jobs("list", "--model", "testsrc", "--limit", "5");
        assertThat(list.code()).isZero();
        assertThat(list.out().lines().findFirst().orElseThrow()).contains("ID", "MODEL", "TASK", "STATE", "PROGRESS", "AGE");
        assertThat(list.out()).containsPattern(id + "\\s+testsrc\\s+t2v\\s+running\\s+\\d+%\\s+\\d+s");
        CliRun show = jobs("show", id);
        assertThat(show.out()).startsWith(id + "  testsrc / t2v  running").contains("prompt:   held");

        CliRun cancel = jobs("cancel", id);
        assertThat(cancel.code()).isZero();
        assertThat(cancel.out().strip()).isIn(id + ": cancelling", id + ": cancelled");
        CliRun watch = jobs("watch", id);
        assertThat(watch.code()).isEqualTo(1);
        assertThat(watch.err()).contains("job " + id + " was cancelled");

        assertThat(jobs("show", "j_nosuchjob").err()).startsWith("HTTP 404");
    }

    @Test
    void withApiKeys_theKeyIsSent_andWithoutOneTheRefusalIsOneLine() throws Exception {
        Path keysDir = Files.createDirectories(dir.resolve("keyed"));
        String key = "sk-hearth-cli-test-0123456789abcdef";
        Path keys = Files.writeString(keysDir.resolve("keys"), "# the admin\n" + key + "\n");
        Path yaml = Files.writeString(keysDir.resolve("hearth.yaml"), """
                server:
                  listen: 127.0.0.1:0
                  data_dir: %s
                  api_keys_file: %s
                models:
                  testsrc:
                    engine: testsrc
                """.formatted(keysDir.resolve("data"), keys));
        Hearth keyed = Hearth.start(ConfigLoader.load(yaml, Map.of()));
        try {
            String at = keyed.baseUri().toString();
            CliRun without = CliRun.of(new JobsCommand(), "list", "--url", at, "--api-key", "");
            CliRun with = CliRun.of(new JobsCommand(), "list", "--url", at, "--api-key", key);

            assertThat(without.code()).isEqualTo(1);
            assertThat(without.err()).startsWith("HTTP 401").doesNotContain("Exception");
            assertThat(with.code()).as(with.err()).isZero();
            assertThat(with.out()).startsWith("ID ");
        } finally {
            keyed.close();
        }
    }

    @Test
    void aJobThatFails_endsSubmitWaitNonZero_withItsMessage() {
        CliRun r = jobs("submit", "testsrc", "--prompt", "doomed", "--param", "hold=maybe", "--wait");

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("job ").contains(" failed: hold must be true or false, got \"maybe\" (bad_params)")
                .doesNotContain("Exception");
    }

    @Test
    void submitAudioFile_goesAsMultipart_andTheTranscriptIsAnOutput() throws Exception {
        Path raw = Path.of("/usr/share/pocketsphinx/test/data/goforward.raw");
        if (!Files.isRegularFile(raw) || !Files.isExecutable(Path.of("/usr/bin/pocketsphinx_continuous"))) {
            if ("true".equals(System.getenv("CI"))) fail("pocketsphinx and pocketsphinx-testdata are needed (.ci/run installs them)");
            abort("pocketsphinx is not installed");
        }
        Path wav = dir.resolve("go.wav");
        Process ffmpeg = new ProcessBuilder(List.of("ffmpeg", "-nostdin", "-y", "-loglevel", "error", "-f", "s16le",
                "-ar", "16000", "-ac", "1", "-i", raw.toString(), wav.toString())).inheritIO().start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Path out = dir.resolve("transcript");

        CliRun r = jobs("submit", "pocketsphinx-en-us", "--audio", wav.toString(), "--param", "language=en",
                "--output", out.toString());

        assertThat(r.code()).as(r.err()).isZero();
        String id = idOf(r);
        JsonNode job = new ObjectMapper().readTree(jobs("show", id, "--json").out());
        assertThat(job.path("task").asText()).isEqualTo("transcribe");
        assertThat(job.path("params").path("language").asText()).isEqualTo("en");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).isNotEmpty();
        }
        String all = String.join(" ", Files.readAllLines(out.resolve(job.path("outputs").get(0).path("name").asText())));
        assertThat(all.toLowerCase(java.util.Locale.ROOT)).contains("forward");
    }
}
