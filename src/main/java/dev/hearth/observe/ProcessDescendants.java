package dev.hearth.observe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A process's descendants, found from the process down. {@link ProcessHandle#descendants()} reads
 * the {@code stat} file of every process on the machine to learn each one's parent: ~10 µs a
 * process, 10 ms of CPU with a thousand processes running, 40 ms with three thousand
 * ({@code bin/measure-tree-walk}, BENCHMARKS.md) — and Hearth asks for every running engine's tree
 * every two seconds (to remember an engine's children before they can be orphaned) and again for
 * each footprint. Linux lists each thread's children in {@code /proc/PID/task/TID/children} (since
 * 3.5, where the kernel is built with {@code CONFIG_PROC_CHILDREN}, as Debian's, Ubuntu's and RHEL's
 * are), so this walk reads only the files of the tree's own threads: ~2.5 µs a thread, whatever else
 * the machine runs (0.1 ms for a shell's tree, 0.5 ms for a process of 200 threads). Where those files
 * do not exist (another kernel, another OS) the JDK's walk answers instead.
 *
 * <p>Like the JDK's, the walk is a snapshot: a process forked or re-parented while it reads may be
 * missed, and is found by the next walk (the kernel documents the same of these files).
 */
public final class ProcessDescendants {
    /** This machine's /proc. */
    public static final ProcessDescendants SYSTEM = new ProcessDescendants(Path.of("/proc"));

    private final Path proc;

    /** @param proc the /proc directory to read (a temp dir in tests) */
    public ProcessDescendants(Path proc) {
        this.proc = proc;
    }

    /** Every live descendant of {@code root}, children first, as {@link ProcessHandle#descendants()} gives them. */
    public List<ProcessHandle> of(ProcessHandle root) {
        return pids(root.pid())
                .map(pids -> pids.stream().map(ProcessHandle::of).flatMap(Optional::stream).toList())
                .orElseGet(() -> root.descendants().toList());
    }

    /**
     * The pids of {@code pid}'s descendants, read from the children files; empty when this kernel has
     * none for the process (or the process is gone), for the caller to ask the JDK instead.
     */
    Optional<Set<Long>> pids(long pid) {
        if (!Files.isReadable(tasks(pid).resolve(Long.toString(pid)).resolve("children"))) return Optional.empty();
        Set<Long> found = new LinkedHashSet<>();
        var next = new ArrayDeque<Long>();
        next.add(pid);
        while (!next.isEmpty()) {
            for (long child : childrenOf(next.poll())) {
                if (child != pid && found.add(child)) next.add(child);
            }
        }
        return Optional.of(found);
    }

    /** The children of every thread of {@code pid}; none when it is gone (it or a thread may end while read). */
    private Set<Long> childrenOf(long pid) {
        Set<Long> children = new LinkedHashSet<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(tasks(pid))) {
            for (Path task : tasks) {
                String text;
                try {
                    text = Files.readString(task.resolve("children"), StandardCharsets.US_ASCII);
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                for (String p : text.trim().split("\\s+")) {
                    if (!p.isEmpty()) children.add(Long.parseLong(p));
                }
            }
        } catch (IOException | UncheckedIOException | NumberFormatException gone) {
            // the process ended meanwhile (its task directory went away mid-read), or a file held no pid
            // list: no children to walk from it
        }
        return children;
    }

    /** The directory of {@code pid}'s threads, one subdirectory each. */
    private Path tasks(long pid) {
        return proc.resolve(Long.toString(pid)).resolve("task");
    }
}
