package dev.hearth.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LeftoversTest {
    @TempDir
    Path dataDir;

    @Test
    void reap_endsAnOrphanedEngineOfThisDataDir_andLeavesOthersAlone() throws Exception {
        long orphan = orphan(Leftovers.mark(dataDir));
        long stranger = orphan(Leftovers.mark(dataDir.resolve("other")));
        try {
            List<Long> reaped = Leftovers.reap(dataDir, Path.of("/proc"));

            assertThat(reaped).containsExactly(orphan);
            assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(ProcessHandle.of(stranger).map(ProcessHandle::isAlive)).contains(true);
        } finally {
            ProcessHandle.of(stranger).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** A `sleep` whose parent shell has exited, as an engine is after its Hearth was killed. */
    private static long orphan(String mark) throws Exception {
        ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", "sleep 300 >/dev/null 2>&1 & echo $!")
                .redirectErrorStream(true);
        b.environment().put(Leftovers.MARK, mark);
        Process sh = b.start();
        String pid = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        sh.waitFor();
        return Long.parseLong(pid);
    }
}
