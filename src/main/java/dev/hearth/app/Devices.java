package dev.hearth.app;

import dev.hearth.catalog.ModelSpec;
import dev.hearth.config.ServerConfig;
import dev.hearth.observe.Hardware;
import dev.hearth.observe.Hardware.Gpu;
import dev.hearth.scheduler.Device;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The budget as devices (DESIGN.md scheduler rule 9), from nvidia-smi: each GPU that reports its own
 * memory is a device, its budget its total ({@code memory_budget: auto}) or the configured size
 * (then per GPU); otherwise one pool — MemAvailable, or the configured size — which on a DGX Spark
 * is its GPU's unified memory.
 */
final class Devices {
    private static final System.Logger LOG = System.getLogger("hearth");

    private Devices() {}

    /** @throws StartupException when a model is pinned to a GPU this machine does not have */
    /** @param gpus what nvidia-smi listed (read once by the caller) */
    static List<Device> of(ServerConfig s, Hardware hardware, List<Gpu> gpus, Collection<ModelSpec> models) {
        List<Device> devices;
        if (!gpus.isEmpty() && gpus.stream().allMatch(Gpu::reportsMemory)) {
            devices = gpus.stream().map(g -> new Device(g.index(), g.name(),
                    s.autoBudget() ? g.totalBytes() : s.memoryBudget(), true)).toList();
        } else {
            long pool = s.autoBudget() ? hardware.memoryBudgetAuto(gpus) : s.memoryBudget();
            devices = gpus.isEmpty() ? Device.pool(pool)
                    : List.of(new Device(gpus.getFirst().index(), gpus.getFirst().name() + " (unified memory)", pool,
                            true, true));
        }
        check(devices, models);
        return devices;
    }

    /** A model pinned to GPUs must find them; on a machine without GPU placement its pin means nothing. */
    private static void check(List<Device> devices, Collection<ModelSpec> models) {
        boolean gpuMachine = devices.stream().anyMatch(Device::gpu);
        List<Integer> have = devices.stream().map(Device::index).toList();
        for (ModelSpec m : models) {
            List<Integer> pinned = m.sharing().gpus().pinned();
            if (pinned.isEmpty()) continue;
            if (!gpuMachine) {
                LOG.log(Level.WARNING, "model " + m.name() + ": gpus " + pinned + " ignored: this machine has no"
                        + " NVIDIA GPU (nvidia-smi), so every model runs in its one memory pool");
            } else if (!have.containsAll(pinned)) {
                throw new StartupException("models." + m.name() + ".gpus: " + pinned + ", but this machine has "
                        + (have.size() == 1 ? "GPU " : "GPUs ") + have.stream().map(String::valueOf)
                        .collect(Collectors.joining(", ")) + " (nvidia-smi)");
            }
        }
    }
}
