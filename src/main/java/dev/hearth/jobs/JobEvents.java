package dev.hearth.jobs;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Who listens to which job; {@link JobTransitions} calls {@link #publish} after each change it stores. */
final class JobEvents {
    private static final System.Logger LOG = System.getLogger("hearth.jobs");
    private final Map<String, Set<Consumer<Job>>> byJob = new ConcurrentHashMap<>();

    AutoCloseable subscribe(String id, Consumer<Job> onChange) {
        byJob.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(onChange);
        return () -> byJob.computeIfPresent(id, (k, set) -> {
            set.remove(onChange);
            return set.isEmpty() ? null : set;
        });
    }

    /** Listeners must hand the job on and return (an SSE route offers it to its own queue). */
    void publish(Job job) {
        Set<Consumer<Job>> set = byJob.get(job.id());
        if (set == null) return;
        for (Consumer<Job> c : set) {
            try {
                c.accept(job);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "job listener failed: " + e);
            }
        }
    }
}
