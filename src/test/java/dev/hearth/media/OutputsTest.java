package dev.hearth.media;

import dev.hearth.StorageFullException;
import dev.hearth.Tmpfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Outputs with a real MP4 made by ffmpeg, checked against sha256sum. */
class OutputsTest {
    @TempDir
    static Path shared;

    static Path mp4;

    @BeforeAll
    static void makeVideo() throws Exception {
        mp4 = shared.resolve("testsrc.mp4");
        run(List.of("ffmpeg", "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10",
                "-t", "1", "-pix_fmt", "yuv420p", mp4.toString()));
        assertThat(mp4).isNotEmptyFile();
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    @Test
    void store_failsWith507NamingTheDataDir_andLeavesNoPartFile_whenTheDataDirIsFull(@TempDir Path root,
                                                                                     @TempDir Path work) throws Exception {
        Path data = root.resolve("data");
        Path produced = Files.copy(mp4, work.resolve("video.mp4")); // on another file system: a copy, not a rename
        try (Tmpfs disk = Tmpfs.mount(data, "1m")) {
            Files.createDirectories(data.resolve("outputs/job1"));
            disk.fill(data.resolve("filler"));

            assertThatThrownBy(() -> new Outputs(data).store("job1", produced))
                    .isInstanceOfSatisfying(StorageFullException.class, e -> assertThat(e.status()).isEqualTo(507))
                    .hasMessageContaining("The data directory 'data' is full: the output video.mp4")
                    .hasMessageNotContaining(root.toString());
            try (var left = Files.list(data.resolve("outputs/job1"))) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void store_movesFileAtomicallyAndRecordsSha256_matchingSha256sum(@TempDir Path data, @TempDir Path work) throws Exception {
        Path produced = Files.copy(mp4, work.resolve("video.mp4"));
        long size = Files.size(produced);

        Outputs.OutputFile out = new Outputs(data).store("job1", produced);

        assertThat(out.path()).isEqualTo(data.resolve("outputs/job1/video.mp4"));
        assertThat(out.name()).isEqualTo("video.mp4");
        assertThat(out.contentType()).isEqualTo("video/mp4");
        assertThat(out.size()).isEqualTo(size);
        assertThat(produced).doesNotExist();
        String sha256sum = run(List.of("sha256sum", out.path().toString())).split("\\s+")[0];
        assertThat(out.sha256()).isEqualTo(sha256sum);
        try (var files = Files.list(out.path().getParent())) {
            assertThat(files).containsExactly(out.path()); // no temp file left beside it
        }
    }

    @Test
    void contentType_followsMagicBytes_beforeExtension(@TempDir Path dir) throws IOException {
        Path pngNamedBin = Files.write(dir.resolve("frame.bin"), TestImages.png());
        Path json = Files.writeString(dir.resolve("meta.json"), "{}");
        Path other = Files.writeString(dir.resolve("blob.xyz"), "??");

        assertThat(Outputs.contentType(pngNamedBin)).isEqualTo("image/png");
        assertThat(Outputs.contentType(json)).isEqualTo("application/json");
        assertThat(Outputs.contentType(other)).isEqualTo("application/octet-stream");
    }

    @Test
    void thumbnail_writesJpegBesideVideo_fromFirstFrame(@TempDir Path data, @TempDir Path work) throws Exception {
        Outputs outputs = new Outputs(data);
        Outputs.OutputFile video = outputs.store("job1", Files.copy(mp4, work.resolve("video.mp4")));

        Optional<Path> thumb = outputs.thumbnail(video.path());

        assertThat(thumb).contains(data.resolve("outputs/job1/thumbnail.jpg"));
        assertThat(Outputs.contentType(thumb.orElseThrow())).isEqualTo("image/jpeg");
        var img = javax.imageio.ImageIO.read(thumb.get().toFile());
        assertThat(img.getWidth()).isEqualTo(320);
        assertThat(img.getHeight()).isEqualTo(240);
        try (var files = Files.list(data.resolve("outputs/job1"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("video.mp4", "thumbnail.jpg");
        }
    }

    @Test
    void thumbnail_isEmptyWithoutThrowing_whenVideoIsNotAVideo(@TempDir Path dir) throws IOException {
        Path notVideo = Files.writeString(dir.resolve("video.mp4"), "this is not a video");

        assertThat(new Outputs(dir).thumbnail(notVideo)).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(notVideo);
        }
    }

    @Test
    void thumbnail_isEmpty_whenFfmpegIsMissing(@TempDir Path dir) throws IOException {
        Outputs outputs = new Outputs(dir, dir.resolve("no-such-ffmpeg").toString(), Duration.ofSeconds(5));

        assertThat(outputs.thumbnail(mp4)).isEmpty();
    }

    @Test
    void store_keepsFile_whenWorkerWroteItInPlace(@TempDir Path data) throws Exception {
        Outputs outputs = new Outputs(data);
        Path inPlace = Files.createDirectories(outputs.dir("job2")).resolve("video.mp4");
        Files.copy(mp4, inPlace);

        Outputs.OutputFile out = outputs.store("job2", inPlace);

        assertThat(out.path()).isEqualTo(inPlace);
        assertThat(out.size()).isEqualTo(Files.size(mp4));
        assertThat(out.sha256()).isEqualTo(Outputs.sha256(mp4));
    }
}
