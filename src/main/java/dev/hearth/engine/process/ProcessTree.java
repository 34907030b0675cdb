package dev.hearth.engine.process;

import dev.hearth.observe.ProcessDescendants;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A child process and every process it started. Descendants are remembered as they are seen,
 * because once the child dies its children are re-parented to init and can no longer be found
 * through it, yet they may still hold GPU memory (vLLM's engine-core process, for one).
 * {@link ProcessHandle} identity includes the start time, so a recycled pid is never signalled.
 */
final class ProcessTree {
    private static final long POLL_MILLIS = 20;

    private final Process root;
    private final Set<ProcessHandle> known = ConcurrentHashMap.newKeySet();

    ProcessTree(Process root) {
        this.root = root;
    }

    long pid() { return root.pid(); }

    /** Adds the root's current descendants to the remembered set and forgets the dead. */
    void remember() {
        ProcessDescendants.SYSTEM.of(root.toHandle()).forEach(known::add);
        known.removeIf(this::isGone);
    }

    /** Remembered descendants that still run, and the root if it does. */
    List<ProcessHandle> alive() {
        var all = new LinkedHashSet<ProcessHandle>();
        all.addAll(ProcessDescendants.SYSTEM.of(root.toHandle()));
        all.addAll(known);
        all.add(root.toHandle());
        all.removeIf(this::isGone);
        return List.copyOf(all);
    }

    /**
     * SIGTERM to every process of the tree (descendants first, so none is left to be re-parented
     * unsignalled), up to {@code grace} for them to go, SIGKILL to the survivors, then up to
     * {@code killWait} for those to go.
     *
     * @return the pids still alive after all that (empty unless the kernel is stuck, e.g. in a
     *     GPU driver call)
     */
    List<Long> terminate(Duration grace, Duration killWait) throws InterruptedException {
        remember();
        List<ProcessHandle> members = alive();
        ProcessHandle rootHandle = root.toHandle();
        for (ProcessHandle h : members) {
            if (!h.equals(rootHandle)) {
                h.destroy();
            }
        }
        // Through the handle, not Process.destroy(): that one also closes our end of the
        // child's output, and its last words (why it is slow to stop) would be lost.
        rootHandle.destroy();
        awaitGone(members, grace);

        remember();
        List<ProcessHandle> survivors = alive();
        survivors.forEach(ProcessHandle::destroyForcibly);
        awaitGone(survivors, killWait);
        return alive().stream().map(ProcessHandle::pid).toList();
    }

    private void awaitGone(List<ProcessHandle> handles, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        var waiting = new ArrayList<>(handles);
        while (true) {
            waiting.removeIf(this::isGone);
            if (waiting.isEmpty() || System.nanoTime() - deadline >= 0) {
                return;
            }
            // ProcessHandle.onExit() of a non-child polls with a back-off of up to seconds
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The root is our own child: the JDK reaps it at once, so only reaped counts as gone. */
    private boolean isGone(ProcessHandle h) {
        return h.pid() == root.pid() ? !root.isAlive() : gone(h);
    }

    /**
     * True when the process has exited. A zombie counts as gone: it holds no memory, and a PID 1
     * that reaps lazily (as in some containers) would otherwise keep an orphan "alive" for seconds.
     */
    static boolean gone(ProcessHandle h) {
        return !h.isAlive() || isZombie(h.pid());
    }

    static boolean gone(long pid) {
        return ProcessHandle.of(pid).map(ProcessTree::gone).orElse(true);
    }

    /**
     * State 'Z' with no thread left but the zombie itself. A multi-threaded process (a JVM, a
     * Python server) shows 'Z' as soon as its main thread exits, while its other threads, and
     * its memory, are still being torn down: that is not gone yet.
     */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')'); // the command name may itself hold spaces and parens
            String[] fields = stat.substring(end + 2).trim().split(" ");
            // fields[0] is proc(5)'s field 3 (state), fields[17] its field 20 (num_threads)
            return fields.length > 17 && fields[0].equals("Z") && fields[17].equals("1");
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or the process is already gone: isAlive() decides
        }
    }
}
