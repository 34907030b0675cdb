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
 * that uses none (a CPU engine) has no figure, and its declared memory stands. Elsewhere (no NVIDIA
 * GPU, or unified memory that nvidia-smi shows as [N/A]: the budget is RAM): the resident memory of
 * the tree from /proc. The command runner and the /proc directory are injected so tests can play
 * any machine.
 */
public final class Footprints {
    static final List<String> COMPUTE_APPS = List.of("nvidia-smi", "--query-compute-apps=pid,used_memory",
            "--format=csv,noheader,nounits");
    private static final long MIB = 1024L * 1024;

    /**
     * @param bytes  the memory the tree takes
     * @param source {@code gpu} (nvidia-smi's per-process figure) or {@code rss} (resident memory)
     */
    public record Footprint(long bytes, String source) {}

    private final Hardware.CommandRunner runner;
    private final Path proc;
    private final boolean gpuMemory;

    /** @param gpuMemory the budget is GPU memory (nvidia-smi reports each GPU's own), not RAM */
    public Footprints(Hardware.CommandRunner runner, Path proc, boolean gpuMemory) {
        this.runner = runner;
        this.proc = proc;
        this.gpuMemory = gpuMemory;
    }

    /** The tree of {@code pid} (it and every descendant), or empty when none of it is alive or readable. */
    public Optional<Footprint> of(long pid) {
        Set<Long> tree = new HashSet<>();
        tree.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> tree.add(d.pid())));
        return of(tree);
    }

    /** The GPU memory of these processes, or their resident memory (see the class); empty when there is none. */
    public Optional<Footprint> of(Set<Long> pids) {
        if (gpuMemory) {
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
        return any ? Optional.of(new Footprint(rss, "rss")) : Optional.empty();
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
