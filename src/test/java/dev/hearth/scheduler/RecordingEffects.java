package dev.hearth.scheduler;

import dev.hearth.QueueFullException;
import dev.hearth.HearthException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Effects that only write down what the core asked for, in order. */
final class RecordingEffects implements Effects {
    /** Everything, e.g. "start a", "stop b EVICTED", "grant 3 a", "fail 4 QueueFullException". */
    final List<String> log = new ArrayList<>();
    final Map<Long, HearthException> failures = new LinkedHashMap<>();
    final Map<Long, UnloadResult> unloads = new LinkedHashMap<>();
    final List<ModelEvent> events = new ArrayList<>();
    /** Callers that gave up: grant answers false for these. */
    final Set<Long> gone = new HashSet<>();

    /** The GPUs each start was given, "model [0, 1]", in order (kept apart from {@link #log}). */
    final List<String> placements = new ArrayList<>();

    @Override
    public void startEngine(String model, List<Integer> gpus) {
        log.add("start " + model);
        placements.add(model + " " + gpus);
    }

    @Override
    public void stopEngine(String model, StopReason reason) { log.add("stop " + model + " " + reason); }

    @Override
    public void sleepEngine(String model, int level) { log.add("sleep " + model + " " + level); }

    @Override
    public void wakeEngine(String model) { log.add("wake " + model); }

    @Override
    public boolean grant(long id, String model) {
        if (gone.contains(id)) {
            log.add("grant-refused " + id + " " + model);
            return false;
        }
        log.add("grant " + id + " " + model);
        return true;
    }

    @Override
    public void fail(long id, HearthException error) {
        failures.put(id, error);
        log.add("fail " + id + " " + error.getClass().getSimpleName());
    }

    @Override
    public void loaded(long id, String model) { log.add("loaded " + id + " " + model); }

    @Override
    public void pinned(long id, ModelStatus status) { log.add("pinned " + id + " " + status.name() + " " + status.pinned()); }

    @Override
    public void unloaded(long id, UnloadResult result) {
        unloads.put(id, result);
        log.add("unloaded " + id + " " + result.model() + " " + result.memoryFreedBytes());
    }

    @Override
    public void publish(ModelEvent event) { events.add(event); }

    /** Kept apart from {@link #log}: "model reason [ids]". */
    final List<String> revoked = new ArrayList<>();

    @Override
    public void revoke(String model, List<Long> leases, StopReason reason) {
        revoked.add(model + " " + reason + " " + leases);
    }

    List<String> matching(String prefix) {
        return log.stream().filter(l -> l.startsWith(prefix)).toList();
    }

    List<String> starts() { return matching("start "); }

    List<String> stops() { return matching("stop "); }

    List<String> grants() { return matching("grant "); }

    void clear() {
        log.clear();
        failures.clear();
        unloads.clear();
        events.clear();
    }
}
