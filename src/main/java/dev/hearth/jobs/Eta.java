package dev.hearth.jobs;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Seconds per unit of work (frames × steps) per model, learned from finished jobs as an
 * exponential moving average that starts from the configured prior ({@code seconds_per_unit}).
 */
final class Eta {
    /** Weight of the newest job: recent runs say more about this machine's current load. */
    static final double ALPHA = 0.3;

    private final Map<String, Double> secondsPerUnit = new ConcurrentHashMap<>();

    Eta(Map<String, Double> priors) {
        priors.forEach((m, v) -> { if (v != null) secondsPerUnit.put(m, v); });
    }

    void learn(String model, double units, double seconds) {
        if (units <= 0 || seconds <= 0) return;
        double measured = seconds / units;
        secondsPerUnit.merge(model, measured, (old, now) -> old + ALPHA * (now - old));
    }

    OptionalDouble secondsPerUnit(String model) {
        Double v = secondsPerUnit.get(model);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
