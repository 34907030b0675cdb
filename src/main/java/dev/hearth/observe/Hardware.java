package dev.hearth.observe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * GPU and memory probes: the {@code memory_budget: auto} value and the GPU list of /info.
 * The command runner and the meminfo file are injected so tests can play any machine.
 */
public final class Hardware {
    static final List<String> NVIDIA_SMI = List.of("nvidia-smi",
            "--query-gpu=index,name,memory.total,memory.used", "--format=csv,noheader,nounits");
    private static final long MIB = 1024L * 1024;

    /** One GPU as nvidia-smi reports it; sizes are -1 where it says [N/A] (unified memory). */
    public record Gpu(int index, String name, long totalBytes, long usedBytes) {
        public boolean reportsMemory() { return totalBytes >= 0; }
    }

    /** What a command printed and how it exited. */
    public record CommandResult(int exitCode, String stdout) {}

    /** Runs a command; throws IOException when it cannot be started (not installed). */
    @FunctionalInterface
    public interface CommandRunner {
        CommandResult run(List<String> command) throws IOException;
    }

    private final CommandRunner runner;
    private final Path meminfo;
    private final Path proc;

    public Hardware(CommandRunner runner, Path meminfo) {
        this(runner, meminfo, Path.of("/proc"));
    }

    /** @param proc where processes' status files are read (engines' resident memory, rule 8) */
    public Hardware(CommandRunner runner, Path meminfo, Path proc) {
        this.runner = runner;
        this.meminfo = meminfo;
        this.proc = proc;
    }

    /** This machine: real processes (10 s limit) and /proc/meminfo. */
    public static Hardware system() {
        return new Hardware(processRunner(Duration.ofSeconds(10)), Path.of("/proc/meminfo"));
    }

    /**
     * Engines' footprints (rule 8), read with this machine's nvidia-smi and /proc: GPU memory where
     * the GPUs report their own, resident memory without a GPU, and both on a DGX Spark's unified memory.
     */
    public Footprints footprints() {
        return footprints(gpus());
    }

    /** {@link #footprints()} for the GPUs already read (one nvidia-smi run at start-up, not one per use). */
    public Footprints footprints(List<Gpu> gpus) {
        return new Footprints(runner, proc, gpus.isEmpty() ? Footprints.Memory.RAM
                : gpus.stream().allMatch(Gpu::reportsMemory) ? Footprints.Memory.GPU : Footprints.Memory.UNIFIED);
    }

    /** The GPUs nvidia-smi lists; empty when it is absent, fails or prints nothing we can read. */
    public List<Gpu> gpus() {
        CommandResult result;
        try {
            result = runner.run(NVIDIA_SMI);
        } catch (IOException e) {
            return List.of(); // not installed: a machine without NVIDIA GPUs
        }
        if (result.exitCode() != 0) {
            return List.of(); // e.g. "NVIDIA-SMI has failed because it couldn't communicate with the driver"
        }
        List<Gpu> gpus = new ArrayList<>();
        for (String line : result.stdout().split("\n")) {
            Gpu gpu = parseLine(line);
            if (gpu != null) {
                gpus.add(gpu);
            }
        }
        return List.copyOf(gpus);
    }

    /**
     * The budget for {@code memory_budget: auto}: the summed memory of the GPUs, or MemAvailable
     * when there is no GPU or a GPU has no memory of its own to report (DGX Spark: its GPU shares
     * the 128 GB with the CPU and nvidia-smi says [N/A]).
     *
     * @throws IllegalStateException when neither source answers; the user must set memory_budget
     */
    public long memoryBudgetAuto() {
        return memoryBudgetAuto(gpus());
    }

    /** {@link #memoryBudgetAuto()} for the GPUs already read. */
    public long memoryBudgetAuto(List<Gpu> gpus) {
        if (!gpus.isEmpty() && gpus.stream().allMatch(Gpu::reportsMemory)) {
            return gpus.stream().mapToLong(Gpu::totalBytes).sum();
        }
        long available = memAvailableBytes();
        if (available < 0) {
            throw new IllegalStateException("memory_budget: auto found no GPU memory (nvidia-smi) and no MemAvailable in "
                    + meminfo + "; set server.memory_budget (e.g. 64GiB) or HEARTH_MEMORY_BUDGET.");
        }
        return available;
    }

    /** MemAvailable from the meminfo file in bytes, or -1 when the file or the line is missing. */
    public long memAvailableBytes() {
        List<String> lines;
        try {
            lines = Files.readAllLines(meminfo, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return -1;
        }
        for (String line : lines) {
            if (line.startsWith("MemAvailable:")) {
                String[] parts = line.substring("MemAvailable:".length()).trim().split("\\s+");
                try {
                    long value = Long.parseLong(parts[0]);
                    return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** "0, NVIDIA H100 80GB HBM3, 81559, 1" → Gpu; null for a blank or unreadable line. */
    static Gpu parseLine(String line) {
        String[] f = line.split(",");
        if (f.length < 4) {
            return null;
        }
        // The name may itself hold commas; index is first, the two sizes are last.
        String name = String.join(",", List.of(f).subList(1, f.length - 2)).trim();
        try {
            int index = Integer.parseInt(f[0].trim());
            return new Gpu(index, name, mib(f[f.length - 2]), mib(f[f.length - 1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** MiB → bytes; -1 for [N/A], [Not Supported] and anything else that is not a number. */
    private static long mib(String field) {
        try {
            return Long.parseLong(field.trim()) * MIB;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Runs the command, stderr discarded; a command that outlives {@code limit} is killed and read as failed. */
    public static CommandRunner processRunner(Duration limit) {
        return command -> {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // Read on another thread: a wedged driver can make nvidia-smi hang without output.
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()),
                    runnable -> Thread.ofVirtual().start(runnable));
            try {
                if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return new CommandResult(-1, "");
                }
                return new CommandResult(p.exitValue(), out.join());
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command.getFirst(), e);
            }
        };
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
