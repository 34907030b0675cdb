package dev.hearth.config;

import java.util.List;

/**
 * The GPUs a model runs on (DESIGN.md scheduler rule 9): pinned to these indexes
 * ({@code gpus: [0, 1]}), or any {@code count} of them, placed where they fit best
 * ({@code gpus: 2}; one by default). Its memory is shared evenly between them (tensor parallel).
 * On a machine with one memory pool (no GPU list: a CPU box, a DGX Spark's unified memory) every
 * model runs in that pool.
 */
public record Gpus(List<Integer> pinned, int count) {
    public static final Gpus ANY_ONE = new Gpus(List.of(), 1);

    public Gpus {
        pinned = List.copyOf(pinned);
        count = pinned.isEmpty() ? count : pinned.size();
    }

    public boolean isPinned() { return !pinned.isEmpty(); }
}
