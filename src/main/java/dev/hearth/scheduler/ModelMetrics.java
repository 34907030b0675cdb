package dev.hearth.scheduler;

import dev.hearth.observe.Metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** What the metrics show of the scheduler's models: per-model gauges, and load and unload counts from its events. */
public final class ModelMetrics {
    private ModelMetrics() {}

    /** Every state's wire name, for the 0/1 rows of {@code hearth_model_state}. */
    public static final List<String> STATES = Arrays.stream(ModelState.values()).map(ModelState::wire).toList();

    /** The gauges of every model, read from {@code status} at each scrape. */
    public static Supplier<List<Metrics.ModelGauge>> gauges(Supplier<List<ModelStatus>> status) {
        return () -> status.get().stream()
                .map(m -> new Metrics.ModelGauge(m.name(), m.state().wire(), m.state().serving(),
                        m.state().holdsMemory(), m.memoryBytes(), m.inFlight(), m.queued(),
                        m.measuredBytes() == null ? -1 : m.measuredBytes()))
                .toList();
    }

    /**
     * A listener of model events that counts loads (with their duration, from LOADING to READY or
     * LOAD_FAILED) and unloads (by reason). Cheap: it runs on the scheduler's thread.
     */
    public static Consumer<ModelEvent> feed(Metrics metrics) {
        Map<String, Instant> loadingSince = new ConcurrentHashMap<>();
        return e -> {
            switch (e.type()) {
                case LOADING -> loadingSince.put(e.model(), e.at());
                case READY, LOAD_FAILED -> {
                    Instant since = loadingSince.remove(e.model());
                    if (since != null) {
                        metrics.modelLoad(e.model(), Duration.between(since, e.at()).toNanos(),
                                e.type() == ModelEvent.Type.READY);
                    }
                }
                case UNLOADED -> metrics.modelUnload(e.model(), e.reason() == null ? "unknown" : e.reason().wire());
                case CRASHED -> metrics.modelUnload(e.model(), "crash");
                default -> { }
            }
        };
    }
}
