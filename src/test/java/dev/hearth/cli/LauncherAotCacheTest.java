package dev.hearth.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./hearth} launcher's start-up cache: made by one training run per build, reused after,
 * made again when the jar changes, and never in the way of a start. The launcher and its
 * bin/find-jdk.sh run for real, copied beside a stand-in jar, with a stand-in JDK 25 whose
 * {@code java} writes down each command line (and, for a training run, the cache file).
 */
class LauncherAotCacheTest {
    @TempDir
    Path dir;
    Path log;
    Path jdk;

    private static final String FAKE_JAVA = """
            #!/bin/sh
            echo "$*" >> "$FAKE_JAVA_LOG"
            for a in "$@"; do
              case "$a" in
                -XX:AOTCacheOutput=*) [ -n "$FAKE_JAVA_FAIL" ] && exit 1; printf cache > "${a#-XX:AOTCacheOutput=}" ;;
              esac
            done
            exit 0
            """;

    @BeforeEach
    void layout() throws IOException {
        Path repo = Path.of("").toAbsolutePath();
        Files.createDirectories(dir.resolve("bin"));
        Files.copy(repo.resolve("hearth"), dir.resolve("hearth"));
        Files.copy(repo.resolve("bin/find-jdk.sh"), dir.resolve("bin/find-jdk.sh"));
        executable(dir.resolve("hearth"));
        Files.createDirectories(dir.resolve("target/lib"));
        Files.writeString(dir.resolve("target/hearth.jar"), "build 1");
        jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        Files.writeString(dir.resolve("jdk/release"), "JAVA_VERSION=\"25.0.1\"\nJAVA_RUNTIME_VERSION=\"25.0.1+8-LTS\"\n");
        executable(Files.writeString(jdk.resolve("java"), FAKE_JAVA));
        executable(Files.writeString(jdk.resolve("javac"), "#!/bin/sh\nexit 0\n"));
        log = dir.resolve("java.log");
    }

    private static void executable(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs {@code ./hearth args…}; answers what it wrote on stderr. */
    private String hearth(Map<String, String> env, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Stream.concat(Stream.of(dir.resolve("hearth").toString()),
                Stream.of(args)).toList()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", dir.resolve("jdk").toString());
        pb.environment().put("FAKE_JAVA_LOG", log.toString());
        pb.environment().remove("HEARTH_AOT");
        pb.environment().remove("HEARTH_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return err;
    }

    private List<String> runs() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private List<Path> caches() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("target/aot"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".aot")).toList();
        }
    }

    @Test
    void serve_makesTheCacheOnce_andStartsFromIt() throws Exception {
        String err = hearth(Map.of(), "serve");

        assertThat(err).contains("making the start-up cache");
        assertThat(caches()).hasSize(1);
        Path cache = caches().getFirst();
        assertThat(runs()).hasSize(2);
        assertThat(runs().get(0)).contains("-XX:AOTCacheOutput=").endsWith("aot-training");
        assertThat(runs().get(1)).contains("-XX:AOTCache=" + cache).endsWith("-jar " + dir.resolve("target/hearth.jar")
                + " serve");

        assertThat(hearth(Map.of(), "serve", "--listen", "127.0.0.1:9")).doesNotContain("start-up cache");
        assertThat(runs()).hasSize(3).last().asString().contains("-XX:AOTCache=" + cache)
                .doesNotContain("AOTCacheOutput");
    }

    /** Hearth's JVM options file, it and its folders older than the jar (newer sources make the launcher build). */
    private void options(String text) throws IOException {
        Path file = dir.resolve("src/main/resources/dev/hearth/jvm.options");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        for (Path p = file; !p.equals(dir); p = p.getParent()) {
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(0));
        }
    }

    @Test
    void serve_givesHearthsJvmOptions_toTheTrainingRunAndTheServer_andMakesANewCacheWhenTheyChange() throws Exception {
        options("# a comment\n\n-Dhearth.a=1\n-XX:CompileCommand=quiet\n");
        hearth(Map.of(), "serve");
        Path first = caches().getFirst();

        assertThat(runs()).hasSize(2).allSatisfy(run -> assertThat(run).contains("-Dhearth.a=1 -XX:CompileCommand=quiet")
                .doesNotContain("comment"));

        options("-Dhearth.a=2\n");
        hearth(Map.of(), "serve");

        assertThat(caches()).hasSize(1).doesNotContain(first);
        assertThat(runs().getLast()).contains("-Dhearth.a=2").contains("-XX:AOTCache=" + caches().getFirst());
    }

    @Test
    void serve_makesANewCache_whenTheJarChanges_andRemovesTheOldOne() throws Exception {
        hearth(Map.of(), "serve");
        Path first = caches().getFirst();

        Files.writeString(dir.resolve("target/hearth.jar"), "build 2");
        hearth(Map.of(), "serve");

        assertThat(caches()).hasSize(1).doesNotContain(first);
        assertThat(runs()).filteredOn(r -> r.endsWith("aot-training")).hasSize(2);
        assertThat(runs().getLast()).contains("-XX:AOTCache=" + caches().getFirst());
    }

    @Test
    void serve_startsPlainly_withANote_whenTheTrainingRunFails() throws Exception {
        String err = hearth(Map.of("FAKE_JAVA_FAIL", "1"), "serve");

        assertThat(err).contains("could not make the start-up cache").contains("starting without it");
        assertThat(caches()).isEmpty();
        assertThat(runs().getLast()).doesNotContain("AOTCache").endsWith("serve");
    }

    @Test
    void otherCommands_andHearthAotOff_neverTouchTheCache() throws Exception {
        hearth(Map.of("HEARTH_AOT", "off"), "serve");
        hearth(Map.of(), "models");
        hearth(Map.of(), "serve", "--help");

        assertThat(runs()).hasSize(3).noneMatch(r -> r.contains("AOTCache"));
        assertThat(dir.resolve("target/aot")).doesNotExist();
    }
}
