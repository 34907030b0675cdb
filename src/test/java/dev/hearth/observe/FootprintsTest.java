package dev.hearth.observe;

import dev.hearth.observe.Footprints.Footprint;
import dev.hearth.observe.Hardware.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Rule 8's probes: nvidia-smi's per-process answers are canned (a fake), /proc is a temp dir or this machine's. */
class FootprintsTest {
    private static final long MIB = 1024L * 1024;

    @TempDir
    Path proc;

    private static Hardware.CommandRunner fakeComputeApps(String stdout) {
        return command -> {
            assertThat(command).isEqualTo(Footprints.COMPUTE_APPS);
            return new CommandResult(0, stdout);
        };
    }

    private void status(long pid, String vmRss) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("status"), "Name:\tpython3\nVmPeak:\t 9999999 kB\nVmRSS:\t " + vmRss + "\nThreads:\t4\n");
    }

    @Test
    void onAGpuMachine_theTreesGpuMemoryFromNvidiaSmi_summedOverItsProcesses() {
        var footprints = new Footprints(fakeComputeApps("""
                4100, 30000
                4101, 2048
                999, 70000
                """), proc, Footprints.Memory.GPU);

        assertThat(footprints.of(Set.of(4100L, 4101L))).contains(new Footprint((30000 + 2048) * MIB, "gpu"));
    }

    /**
     * Recorded on an H200 (2026-12-04): a python3 of pid 609 holding a 4 GiB tensor, as nvidia-smi
     * listed it from inside the machine's own pid namespace (the pid matched the process's own).
     */
    @Test
    void onAnH200_theLineItPrinted_countsTheTensorAndTheCudaContext() {
        var footprints = new Footprints(fakeComputeApps("609, 4614\n"), proc, Footprints.Memory.GPU);

        assertThat(footprints.of(Set.of(609L))).contains(new Footprint(4614 * MIB, "gpu"));
    }

    @Test
    void onAGpuMachine_anEngineThatUsesNoGpu_hasNoFigure_soItsDeclaredMemoryStands() throws IOException {
        status(4100, "2048000 kB");
        var footprints = new Footprints(fakeComputeApps("999, 70000\n"), proc, Footprints.Memory.GPU);

        assertThat(footprints.of(Set.of(4100L))).isEmpty();
    }

    @Test
    void withoutAGpu_theTreesResidentMemory() throws IOException {
        status(4100, "1048576 kB");
        status(4101, "524288 kB");
        var footprints = new Footprints(command -> {
            throw new IOException("Cannot run program \"nvidia-smi\": error=2, No such file or directory");
        }, proc, Footprints.Memory.RAM);

        assertThat(footprints.of(Set.of(4100L, 4101L, 4102L))).contains(new Footprint(1536 * MIB, "rss"));
        assertThat(footprints.of(Set.of(4102L))).as("gone").isEmpty();
    }

    /**
     * A DGX Spark: CUDA's allocations are not in a process's resident memory there, and
     * --query-compute-apps lists them per process (as GB10 owners report it), so both count.
     */
    @Test
    void onUnifiedMemory_theCudaMemoryNvidiaSmiListsAndTheResidentMemory_added() throws IOException {
        status(4100, "4194304 kB");
        status(4101, "1048576 kB");
        var footprints = new Footprints(fakeComputeApps("4100, 30000\n999, 9000\n"), proc, Footprints.Memory.UNIFIED);

        assertThat(footprints.of(Set.of(4100L, 4101L)))
                .contains(new Footprint((30000 + 4096 + 1024) * MIB, "gpu+rss", true));
    }

    /** An older driver's [N/A], or Hearth in a container that cannot see the engine's pids: RSS alone, not whole. */
    @Test
    void onUnifiedMemory_withNoCudaFigureForTheTree_residentMemoryIsNotWhole() throws IOException {
        status(4100, "4194304 kB");
        for (String listed : new String[] {"4100, [N/A]\n", "77, 30000\n", ""}) {
            var footprints = new Footprints(fakeComputeApps(listed), proc, Footprints.Memory.UNIFIED);

            assertThat(footprints.of(Set.of(4100L))).as(listed).contains(new Footprint(4096 * MIB, "rss", false));
        }
    }

    @Test
    void aRealChildProcessTree_onThisMachine() throws Exception {
        Process child = new ProcessBuilder("sh", "-c", "sleep 60 & wait").start();
        try {
            Optional<Footprint> f = new Footprints(command -> new CommandResult(127, ""), Path.of("/proc"), Footprints.Memory.RAM)
                    .of(child.pid());
            assertThat(f).hasValueSatisfying(fp -> {
                assertThat(fp.source()).isEqualTo("rss");
                assertThat(fp.bytes()).isPositive();
            });
        } finally {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
        }
    }

    @Test
    void footprints_followHardware_gpuMemoryOnlyWhereTheGpusReportTheirOwn() {
        Hardware dgxSpark = new Hardware(command -> new CommandResult(0, command.equals(Footprints.COMPUTE_APPS)
                ? "4100, [N/A]\n" : "0, NVIDIA GB10, [N/A], [N/A]\n"), Path.of("/proc/meminfo"));

        // unified memory: the one pool; nvidia-smi gave no figure, so this JVM's resident memory, not whole
        assertThat(dgxSpark.footprints().of(ProcessHandle.current().pid())).hasValueSatisfying(fp -> {
            assertThat(fp.source()).isEqualTo("rss");
            assertThat(fp.whole()).isFalse();
        });
        Hardware h200 = new Hardware(command -> new CommandResult(0, command.equals(Footprints.COMPUTE_APPS)
                ? ProcessHandle.current().pid() + ", 4614\n" : "0, NVIDIA H200, 143771, 0\n"), Path.of("/proc/meminfo"));
        assertThat(h200.footprints().of(ProcessHandle.current().pid()))
                .contains(new Footprint(4614 * MIB, "gpu", true));
    }
}
