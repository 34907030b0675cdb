package dev.hearth.scheduler;

import java.util.List;

/**
 * One memory pool of the budget (DESIGN.md scheduler rule 9): a GPU with memory of its own, or the
 * machine's single pool (no NVIDIA GPU; a DGX Spark, whose GPU shares unified memory).
 *
 * @param index       the GPU's index as nvidia-smi and CUDA_VISIBLE_DEVICES count them (0 for a pool)
 * @param budgetBytes what models may take of it
 * @param gpu         an NVIDIA GPU: engines placed on it get {@code CUDA_VISIBLE_DEVICES}
 * @param unified     its memory is the machine's RAM (a DGX Spark): what leaves the GPU stays in it
 */
public record Device(int index, String name, long budgetBytes, boolean gpu, boolean unified) {

    public Device(int index, String name, long budgetBytes, boolean gpu) {
        this(index, name, budgetBytes, gpu, false);
    }

    /** A machine with one pool of {@code bytes}, no GPU placement. */
    public static List<Device> pool(long bytes) {
        return List.of(new Device(0, "memory", bytes, false));
    }
}
