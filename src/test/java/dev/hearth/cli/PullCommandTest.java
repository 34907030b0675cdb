package dev.hearth.cli;

import dev.hearth.catalog.ConfigLoader;
import dev.hearth.catalog.HearthConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hearth pull} against {@link FakeHub}, a fake of the Hugging Face hub's API, resolve and CDN routes. */
class PullCommandTest {
    @TempDir
    Path dir;

    private FakeHub hub;
    private final Map<String, String> env = new HashMap<>();
    private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        env.put("HF_ENDPOINT", hub.endpoint());
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private CliRun pull(String... args) {
        PrintStream p = new PrintStream(progress, true, StandardCharsets.UTF_8);
        return CliRun.of(new PullCommand(env, new Progress(p, false, Duration.ofMillis(50))), args);
    }

    private Path models() {
        return dir.resolve("models");
    }

    @Test
    void pull_withAGlob_downloadsOnlyTheMatchingFiles_inParallel_andSendsTheTokenToTheHubOnly() throws Exception {
        byte[] q4 = bytes(300_000, 1);
        byte[] q4b = bytes(200_000, 2);
        hub.put("acme/Tiny-GGUF", "README.md", "# Tiny\n".getBytes(StandardCharsets.UTF_8), false);
        hub.put("acme/Tiny-GGUF", "tiny.Q4_K_M.gguf", q4, true);
        hub.put("acme/Tiny-GGUF", "tiny.Q8_0.gguf", bytes(100_000, 3), true);
        hub.put("acme/Tiny-GGUF", "sub/tiny-b.Q4_K_M.gguf", q4b, true);
        hub.gated.put("acme/Tiny-GGUF", "hf_secret");
        env.put("HF_TOKEN", "hf_secret");
        hub.together = new CountDownLatch(2); // neither download answers until both are in flight

        CliRun r = pull("acme/Tiny-GGUF:*Q4_K_M.gguf", "--dir", models().toString(), "--parallel", "2");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(models().resolve("tiny.Q4_K_M.gguf"))).isEqualTo(q4);
        assertThat(Files.readAllBytes(models().resolve("sub/tiny-b.Q4_K_M.gguf"))).isEqualTo(q4b);
        assertThat(models().resolve("tiny.Q8_0.gguf")).doesNotExist();
        assertThat(models().resolve("README.md")).doesNotExist();
        assertThat(hub.maxInFlight.get()).isEqualTo(2);
        assertThat(hub.requests).filteredOn(q -> q.path().startsWith("/cdn/")).hasSize(2)
                .allSatisfy(q -> assertThat(q.authorization()).as("no token to the CDN").isNull());
        assertThat(hub.requests).filteredOn(q -> q.path().startsWith("/api/") || q.path().contains("/resolve/"))
                .allSatisfy(q -> assertThat(q.authorization()).isEqualTo("Bearer hf_secret"));
        assertThat(hub.requests).filteredOn(q -> q.path().contains("/resolve/"))
                .as("every file from the commit the listing named").isNotEmpty()
                .allSatisfy(q -> assertThat(q.path()).contains("/resolve/" + FakeHub.COMMIT + "/"));
        assertThat(progress.toString(StandardCharsets.UTF_8))
                .contains("tiny.Q4_K_M.gguf: downloaded").contains("ETA").contains("/s");
        assertThat(r.out()).contains("Pulled acme/Tiny-GGUF into " + models().toAbsolutePath());
    }

    @Test
    void pull_resumesWithARangeRequest_whenTheFirstResponseIsCutMidBody() throws Exception {
        byte[] big = bytes(1_000_000, 4);
        hub.put("acme/Cut-GGUF", "cut.gguf", big, true).cutFirst = true;

        CliRun r = pull("acme/Cut-GGUF", "--dir", models().toString(), "--stall-timeout", "10");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(models().resolve("cut.gguf"))).isEqualTo(big);
        assertThat(models().resolve("cut.gguf.part")).doesNotExist();
        var cdn = hub.requests.stream().filter(q -> q.path().startsWith("/cdn/")).toList();
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(0).range()).isNull();
        assertThat(cdn.get(1).range()).matches("bytes=[1-9][0-9]*-");
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("cut.gguf: resumed");
    }

    @Test
    void pull_dropsAConnectionThatFallsSilent_andResumesWhereItStopped() throws Exception {
        byte[] big = bytes(600_000, 13);
        hub.put("acme/Stall-GGUF", "stall.gguf", big, true).stallFirst = true;

        CliRun r = pull("acme/Stall-GGUF", "--dir", models().toString(), "--stall-timeout", "1");

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(models().resolve("stall.gguf"))).isEqualTo(big);
        var cdn = hub.requests.stream().filter(q -> q.path().startsWith("/cdn/")).toList();
        assertThat(cdn).hasSize(2);
        assertThat(cdn.get(1).range()).matches("bytes=[1-9][0-9]*-");
    }

    @Test
    void pull_resumesAPartLeftByAnEarlierRun() throws Exception {
        byte[] big = bytes(400_000, 5);
        hub.put("acme/Part-GGUF", "part.gguf", big, true);
        Files.createDirectories(models());
        Files.write(models().resolve("part.gguf.part"), Arrays.copyOf(big, 150_000));

        CliRun r = pull("acme/Part-GGUF", "--dir", models().toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(models().resolve("part.gguf"))).isEqualTo(big);
        assertThat(hub.requests).filteredOn(q -> q.path().startsWith("/cdn/")).singleElement()
                .satisfies(q -> assertThat(q.range()).isEqualTo("bytes=150000-"));
    }

    @Test
    void pull_removesAFileWhoseSha256IsWrong_andExitsNonZero() throws Exception {
        hub.put("acme/Bad-GGUF", "bad.gguf", bytes(50_000, 6), true).wrongSha = true;

        CliRun r = pull("acme/Bad-GGUF", "--dir", models().toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.gguf: sha256 mismatch").contains("the file was removed")
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(models().resolve("bad.gguf")).doesNotExist();
        assertThat(models().resolve("bad.gguf.part")).doesNotExist();
    }

    @Test
    void pull_ofAGatedRepoWithoutAToken_says401AndSetHfToken() {
        hub.put("acme/Gated", "model.gguf", bytes(1000, 7), true);
        hub.gated.put("acme/Gated", "hf_right");

        CliRun r = pull("acme/Gated", "--dir", models().toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("HTTP 401").contains("set HF_TOKEN").doesNotContain("Exception");
    }

    @Test
    void pull_saysSo_forAMissingRepo_andForAGlobThatMatchesNothing() {
        hub.put("acme/Tiny-GGUF", "tiny.Q8_0.gguf", bytes(1000, 8), true);

        CliRun missing = pull("acme/Nope", "--dir", models().toString());
        CliRun noMatch = pull("acme/Tiny-GGUF:*Q4_K_M.gguf", "--dir", models().toString());

        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("No such repo on " + hub.endpoint() + ": acme/Nope");
        assertThat(noMatch.code()).isEqualTo(1);
        assertThat(noMatch.err()).contains("No file in acme/Tiny-GGUF matches '*Q4_K_M.gguf'");
    }

    @Test
    void pull_thatWouldNotFitOnTheDisk_saysSoBeforeDownloading() {
        hub.put("acme/Huge-GGUF", "huge.gguf", bytes(1000, 11), true).announcedSize = 1L << 60; // an exbibyte

        CliRun r = pull("acme/Huge-GGUF", "--dir", models().toString());

        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("Not enough disk space in ").contains("the pull needs 1048576.0 TiB");
        assertThat(hub.requests).noneMatch(q -> q.path().startsWith("/cdn/"));
    }

    @Test
    void pullAdd_appendsAChatModel_keepsTheComments_andTheConfigLoads() throws Exception {
        hub.put("acme/Tiny-GGUF", "tiny.Q4_K_M.gguf", bytes(10_000, 9), true);
        hub.put("acme/Tiny-GGUF", "mmproj-tiny.gguf", bytes(1_000, 10), true);
        Path yaml = Files.writeString(dir.resolve("hearth.yaml"), """
                # my box
                server:
                  listen: 127.0.0.1:0   # loopback only
                  data_dir: %s
                models:
                  # the video source, for demos
                  testsrc:
                    engine: testsrc

                # media limits follow
                media:
                  max_audio_bytes: 10MiB
                """.formatted(dir.resolve("data")));

        CliRun r = pull("acme/Tiny-GGUF", "--dir", models().toString(), "--add", "--config", yaml.toString());

        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Added to " + yaml + ": tiny.q4_k_m");
        String text = Files.readString(yaml);
        assertThat(text).contains("# my box", "# loopback only", "# the video source, for demos", "# media limits follow")
                .contains("  tiny.q4_k_m:\n    task: chat\n    path: \"" + models().toAbsolutePath().resolve("tiny.Q4_K_M.gguf") + "\"\n")
                .doesNotContain("mmproj-tiny:");
        HearthConfig loaded = ConfigLoader.load(yaml, Map.of());
        assertThat(loaded.models()).containsKeys("testsrc", "tiny.q4_k_m");
    }

    @Test
    void pullAdd_withoutAHearthYaml_makesNone_becauseServeAlreadyFindsTheGgufsInTheModelsDir() {
        hub.put("acme/Tiny-GGUF", "tiny.Q4_K_M.gguf", bytes(10_000, 12), true);
        env.put("HEARTH_MODELS_DIR", models().toString());
        Path yaml = dir.resolve("hearth.yaml");

        CliRun inModels = pull("acme/Tiny-GGUF", "--add", "--config", yaml.toString());
        CliRun elsewhere = pull("acme/Tiny-GGUF", "--add", "--config", yaml.toString(), "--dir", dir.resolve("other").toString());

        assertThat(inModels.code()).as(inModels.err()).isZero();
        assertThat(inModels.out()).contains("serves every GGUF in " + models().toAbsolutePath() + " already");
        assertThat(models().resolve("tiny.Q4_K_M.gguf")).exists();
        assertThat(elsewhere.code()).isEqualTo(1);
        assertThat(elsewhere.err()).contains("no " + yaml + " to add to");
        assertThat(yaml).doesNotExist();
    }

    @Test
    void insert_putsEntriesAtTheEndOfTheModelsSection_orAddsOne() {
        assertThat(ConfigAppend.insert("server:\n  listen: x\n", "a:\n  path: p\n"))
                .isEqualTo("server:\n  listen: x\nmodels:\n  a:\n    path: p\n");
        assertThat(ConfigAppend.insert("models:\n    b:\n        path: q\nmedia: {}\n", "a:\n  path: p\n"))
                .isEqualTo("models:\n    b:\n        path: q\n    a:\n      path: p\nmedia: {}\n");
    }
}
