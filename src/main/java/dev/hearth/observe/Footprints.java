package dev.hearth.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What an engine really takes (DESIGN.md scheduler rule 8), in the memory the budget counts. On a
 * machine whose GPUs report their own memory (the budget is GPU memory): the GPU memory that
 * {@code nvidia-smi --query-compute-apps} reports for the processes of the engine's tree; an engine
 * that uses none (a CPU engine) has no figure, and its declared memory stands. Without an NVIDIA GPU
 * (the budget is RAM): the resident memory of the tree from /proc. On unified memory (a DGX Spark:
 * nvidia-smi lists the GPU, its memory [N/A]; the budget is the one pool) both, added: CUDA's
 * allocations are not in a process's resident memory there (public reports from GB10s: vLLM at 77 GiB
 * loaded with an RSS of 1.8 GiB; a 3 GiB torch tensor that left RSS where it was), while
 * {@code --query-compute-apps} does list them per process. Where it lists none of the tree (an older
 * driver's [N/A], or Hearth in a container that cannot see the engine's pids) the resident memory
 * alone is not {@link Footprint#whole whole}. The command runner and the /proc directory are
 * injected so tests can play any machine.
 */
public final class Footprints {
    static final List<String> COMPUTE_APPS = List.of("nvidia-smi", "--query-compute-apps=pid,used_memory",
            "--format=csv,noheader,nounits");
    private static final long MIB = 1024L * 1024;

    /** The memory the budget counts, which decides what an engine's footprint is made of. */
    public enum Memory {
        /** GPUs that report their own memory: the budget is theirs. */
        GPU,
        /** No NVIDIA GPU: the budget is RAM. */
        RAM,
        /** A GPU that shares the machine's RAM (nvidia-smi says [N/A]): one pool for both. */
        UNIFIED
    }

    /**
     * @param bytes  the memory the tree takes
     * @param source {@code gpu} (nvidia-smi's per-process figure), {@code rss} (resident memory) or
     *               {@code gpu+rss} (both, on unified memory)
     * @param whole  whether the figure covers all the tree holds, so that it may replace a larger
     *               declared memory; false for resident memory alone on unified memory, where
     *               CUDA's allocations may be missing from it
     */
    public record Footprint(long bytes, String source, boolean whole) {
        public Footprint(long bytes, String source) {
            this(bytes, source, true);
        }
    }

    private final Hardware.CommandRunner runner;
    private final Path proc;
    private final ProcessDescendants descendants;
    private final Memory memory;

    /** @param memory what the budget counts on this machine ({@link Hardware#footprints(List)} reads it) */
    public Footprints(Hardware.CommandRunner runner, Path proc, Memory memory) {
        this.runner = runner;
        this.proc = proc;
        this.descendants = new ProcessDescendants(proc);
        this.memory = memory;
    }

    /** The tree of {@code pid} (it and every descendant), or empty when none of it is alive or readable. */
    public Optional<Footprint> of(long pid) {
        Set<Long> tree = new HashSet<>();
        tree.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> descendants.of(h).forEach(d -> tree.add(d.pid())));
        return of(tree);
    }

    /** The memory of these processes as the class says; empty when there is none. */
    public Optional<Footprint> of(Set<Long> pids) {
        if (memory == Memory.GPU) {
            long gpu = gpuBytes(pids);
            return gpu > 0 ? Optional.of(new Footprint(gpu, "gpu")) : Optional.empty();
        }
        long rss = 0;
        boolean any = false;
        for (long pid : pids) {
            long r = rssBytes(pid);
            if (r >= 0) {
                rss += r;
                any = true;
            }
        }
        if (!any) return Optional.empty();
        if (memory == Memory.RAM) return Optional.of(new Footprint(rss, "rss"));
        long gpu = gpuBytes(pids);
        return Optional.of(gpu > 0 ? new Footprint(gpu + rss, "gpu+rss") : new Footprint(rss, "rss", false));
    }

    /** nvidia-smi's used_memory summed over the pids it lists among {@code pids}; 0 when it lists none. */
    long gpuBytes(Set<Long> pids) {
        Hardware.CommandResult result;
        try {
            result = runner.run(COMPUTE_APPS);
        } catch (IOException e) {
            return 0; // no nvidia-smi: a machine without NVIDIA GPUs
        }
        if (result.exitCode() != 0) return 0;
        long sum = 0;
        for (String line : result.stdout().split("\n")) {
            String[] f = line.split(",");
            if (f.length < 2) continue;
            try {
                if (pids.contains(Long.parseLong(f[0].trim()))) sum += Long.parseLong(f[1].trim()) * MIB;
            } catch (NumberFormatException e) {
                // [N/A] (unified memory) or a line we cannot read: counts nothing
            }
        }
        return sum;
    }

    /** VmRSS of /proc/PID/status in bytes, or -1 when the process is gone or the line is missing. */
    long rssBytes(long pid) {
        try (Stream<String> lines = Files.lines(proc.resolve(Long.toString(pid)).resolve("status"),
                StandardCharsets.US_ASCII)) {
            return lines.filter(l -> l.startsWith("VmRSS:")).findFirst().map(l -> {
                String[] parts = l.substring("VmRSS:".length()).trim().split("\\s+");
                try {
                    long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
                } catch (NumberFormatException e) {
                    return -1L;
                }
            }).orElse(-1L);
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }
}
