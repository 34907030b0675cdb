package dev.hearth.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's count of JIT time, from thread stat lines written here in the kernel's format. */
class HearthChildTest {
    @TempDir
    Path dir;

    private Path stat(String comm, long utime, long stime) throws Exception {
        // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
        Path p = Files.createTempFile(dir, "stat", "");
        Files.writeString(p, "4242 (" + comm + ") S 1 4242 4242 0 -1 4194368 120 0 0 0 " + utime + " " + stime
                + " 0 0 20 0 30 0 77 0 0\n");
        return p;
    }

    @Test
    void compilerTicks_countsUserAndSystemTime_ofCompilerThreadsOnly() throws Exception {
        assertThat(HearthChild.compilerTicks(stat("C2 CompilerThre", 250, 7))).isEqualTo(257);
        assertThat(HearthChild.compilerTicks(stat("C1 CompilerThre", 3, 1))).isEqualTo(4);
        assertThat(HearthChild.compilerTicks(stat("ForkJoinPool-1-", 900, 90))).isZero();
        assertThat(HearthChild.compilerTicks(stat("odd) name (x", 5, 5))).as("a name with parentheses").isZero();
        assertThat(HearthChild.compilerTicks(dir.resolve("gone"))).as("a thread that ended").isZero();
    }
}
