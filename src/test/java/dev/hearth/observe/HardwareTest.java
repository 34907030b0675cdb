package dev.hearth.observe;

import dev.hearth.observe.Hardware.CommandResult;
import dev.hearth.observe.Hardware.Gpu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** No GPU here: nvidia-smi's answers are canned (FakeNvidiaSmi); /proc/meminfo is this machine's. */
class HardwareTest {
    private static final Path PROC_MEMINFO = Path.of("/proc/meminfo");
    private static final long MIB = 1024L * 1024;

    private static final String H100_X2 = """
            0, NVIDIA H100 80GB HBM3, 81559, 1
            1, NVIDIA H100 80GB HBM3, 81559, 40123
            """;
    private static final String DGX_SPARK = "0, NVIDIA GB10, [N/A], [N/A]\n";
    /** Recorded, not made up: what this query printed on an H200 (driver 580.159.04), 2026-12-04. */
    private static final String H200_RECORDED = "0, NVIDIA H200, 143771, 0\n";

    private final List<List<String>> commands = new ArrayList<>();

    private Hardware.CommandRunner fakeNvidiaSmi(String stdout) {
        return command -> {
            commands.add(command);
            return new CommandResult(0, stdout);
        };
    }

    private Hardware.CommandRunner noNvidiaSmi() {
        return command -> {
            commands.add(command);
            throw new IOException("Cannot run program \"nvidia-smi\": error=2, No such file or directory");
        };
    }

    @Test
    void Hardware_sumsGpuMemory_whenFakeNvidiaSmiListsTwoH100s() {
        var hw = new Hardware(fakeNvidiaSmi(H100_X2), PROC_MEMINFO);

        assertThat(hw.gpus()).containsExactly(
                new Gpu(0, "NVIDIA H100 80GB HBM3", 81559 * MIB, 1 * MIB),
                new Gpu(1, "NVIDIA H100 80GB HBM3", 81559 * MIB, 40123 * MIB));
        assertThat(hw.memoryBudgetAuto()).isEqualTo(2 * 81559 * MIB);
        assertThat(commands.getFirst()).containsExactly("nvidia-smi",
                "--query-gpu=index,name,memory.total,memory.used", "--format=csv,noheader,nounits");
    }

    @Test
    void Hardware_budgetsTheWholeCard_fromTheLineAnH200Printed() {
        var hw = new Hardware(fakeNvidiaSmi(H200_RECORDED), PROC_MEMINFO);

        assertThat(hw.gpus()).containsExactly(new Gpu(0, "NVIDIA H200", 143771 * MIB, 0));
        assertThat(hw.memoryBudgetAuto()).isEqualTo(143771 * MIB);
    }

    /**
     * A fixed meminfo: this machine's MemAvailable moves between two reads (it failed a CI run by
     * 1 MiB), so the fallback tests read a file that holds still.
     */
    private static Path meminfo(Path dir) throws IOException {
        return Files.writeString(dir.resolve("meminfo"), """
                MemTotal:       131072000 kB
                MemFree:         2048000 kB
                MemAvailable:  120000000 kB
                """);
    }

    @Test
    void Hardware_fallsBackToMemAvailable_whenFakeNvidiaSmiReportsNaMemoryOnDgxSpark(@TempDir Path dir) throws IOException {
        var hw = new Hardware(fakeNvidiaSmi(DGX_SPARK), meminfo(dir));

        assertThat(hw.gpus()).containsExactly(new Gpu(0, "NVIDIA GB10", -1, -1));
        assertThat(hw.memoryBudgetAuto()).isEqualTo(120_000_000L * 1024);
    }

    @Test
    void Hardware_fallsBackToMemAvailable_whenFakeNvidiaSmiIsCommandNotFound(@TempDir Path dir) throws IOException {
        var hw = new Hardware(noNvidiaSmi(), meminfo(dir));

        assertThat(hw.gpus()).isEmpty();
        assertThat(hw.memoryBudgetAuto()).isEqualTo(120_000_000L * 1024);
    }

    @Test
    void Hardware_listsNoGpu_whenFakeNvidiaSmiFailsWithoutDriver() {
        Hardware.CommandRunner broken = command -> new CommandResult(9,
                "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n");

        assertThat(new Hardware(broken, PROC_MEMINFO).gpus()).isEmpty();
    }

    @Test
    void Hardware_readsMemAvailableInBytes_fromThisMachinesProcMeminfo() throws IOException {
        String line = Files.readAllLines(PROC_MEMINFO).stream().filter(l -> l.startsWith("MemAvailable:")).findFirst().orElseThrow();
        long kib = Long.parseLong(line.replaceAll("\\D", ""));

        long bytes = new Hardware(noNvidiaSmi(), PROC_MEMINFO).memAvailableBytes();

        // MemAvailable moves between the two reads; a tolerance of 10% keeps the unit check meaningful.
        assertThat((double) bytes).isBetween(kib * 1024 * 0.9, kib * 1024 * 1.1);
    }

    @Test
    void Hardware_namesTheSetting_whenNeitherGpuNorMeminfoAnswers(@TempDir Path dir) {
        var hw = new Hardware(noNvidiaSmi(), dir.resolve("no-meminfo"));

        assertThatThrownBy(hw::memoryBudgetAuto).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("server.memory_budget");
    }

    @Test
    void Hardware_keepsCommasInGpuName_whenParsingALine() {
        assertThat(Hardware.parseLine("2, Odd, Name, 1024, [Not Supported]"))
                .isEqualTo(new Gpu(2, "Odd, Name", 1024 * MIB, -1));
        assertThat(Hardware.parseLine("")).isNull();
    }

    @Test
    void Hardware_reportsAbsentCommand_whenRealRunnerCannotStartIt() {
        var runner = Hardware.processRunner(Duration.ofSeconds(10));

        assertThatThrownBy(() -> runner.run(List.of("hearth-no-such-command-xyz"))).isInstanceOf(IOException.class);
    }

    @Test
    void Hardware_returnsStdoutAndExitCode_whenRealRunnerRunsACommand() throws IOException {
        CommandResult r = Hardware.processRunner(Duration.ofSeconds(10)).run(List.of("sh", "-c", "echo 0, GPU, 1, 2; exit 3"));

        assertThat(r).isEqualTo(new CommandResult(3, "0, GPU, 1, 2\n"));
    }
}
