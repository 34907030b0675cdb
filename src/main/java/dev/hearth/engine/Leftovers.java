package dev.hearth.engine;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Engines left running by a Hearth that was killed (kill -9, OOM killer, power cut of the JVM only):
 * Java cannot make children die with their parent, so a vLLM started by the dead Hearth would keep
 * holding its GPU memory and the new Hearth would overcommit. Every engine child carries
 * {@value #MARK}=&lt;data dir&gt; in its environment (its own children inherit it); at start Hearth
 * ends the processes that carry its data dir's mark. Linux only (reads /proc); elsewhere a no-op.
 */
public final class Leftovers {
    public static final String MARK = "HEARTH_ENGINE_OF";
    private static final Logger LOG = System.getLogger("hearth.engine");

    private Leftovers() {}

    /** The environment entry that marks a child as an engine of the Hearth using this data dir. */
    public static String mark(Path dataDir) {
        return dataDir.toAbsolutePath().normalize().toString();
    }

    /** Ends every marked process of this data dir that is not a descendant of this JVM; returns their pids. */
    public static List<Long> reap(Path dataDir, Path proc) {
        String wanted = "\0" + MARK + "=" + mark(dataDir) + "\0";
        List<ProcessHandle> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(proc)) {
            entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .filter(p -> Long.parseLong(p.getFileName().toString()) != self)
                    .filter(p -> environ(p).contains(wanted))
                    .forEach(p -> ProcessHandle.of(Long.parseLong(p.getFileName().toString()))
                            .filter(h -> !isOurs(h))
                            .ifPresent(found::add));
        } catch (IOException e) {
            return List.of(); // no /proc: nothing we can find
        }
        found.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : found) {
            if (!exited(h)) {
                h.destroyForcibly();
                exited(h);
            }
        }
        List<Long> pids = found.stream().map(ProcessHandle::pid).toList();
        if (!pids.isEmpty()) {
            LOG.log(Level.WARNING, "stopped {0} engine processes left running by an earlier Hearth: {1}", pids.size(), pids);
        }
        return pids;
    }

    private static boolean exited(ProcessHandle h) {
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception stillThere) {
            return false;
        }
    }

    private static boolean isOurs(ProcessHandle h) {
        for (var p = h.parent(); p.isPresent(); p = p.get().parent()) {
            if (p.get().pid() == ProcessHandle.current().pid()) {
                return true;
            }
        }
        return false;
    }

    private static String environ(Path procEntry) {
        try {
            // entries are NUL-separated; keep them as whole "KEY=value" strings between NULs
            return "\0" + new String(Files.readAllBytes(procEntry.resolve("environ")), StandardCharsets.UTF_8) + "\0";
        } catch (IOException | SecurityException e) {
            return ""; // another user's process, or gone already
        }
    }
}
