package dev.hearth.cli;

import io.helidon.common.concurrency.limits.Limit;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Hearth's own JVM options ({@code dev/hearth/jvm.options}): the JVM takes them, and they name what exists. */
class JvmOptionsTest {
    private static List<String> options() throws IOException {
        return HearthChild.jvmOptions(); // as the bench's Hearth gets them; the launcher reads the same file
    }

    @Test
    void thisJdksJvm_startsWithThem_withoutAWord() throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(options());
        argv.add("-version");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("quiet: nothing but the version").doesNotContain("CompileCommand").doesNotContain("arning");
    }

    /**
     * A compile command naming a method that a Helidon upgrade renamed would quietly do nothing: the
     * connection loop would be interpreted again.
     */
    @Test
    void theConnectionLoopItCompilesEarly_isHelidonsStill() throws Exception {
        assertThat(options()).contains(
                "-XX:CompileCommand=CompileThresholdScaling,io.helidon.webserver.http1.Http1Connection::handle,0.01");

        assertThat(Class.forName("io.helidon.webserver.http1.Http1Connection").getDeclaredMethod("handle", Limit.class))
                .isNotNull();
    }
}
