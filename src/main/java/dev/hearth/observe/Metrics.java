package dev.hearth.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hearth's Prometheus metrics (GET /metrics). The gateway and the scheduler report events here;
 * per-model gauges are read from the scheduler's status at each {@link #scrape()}.
 *
 * <p>Label values: {@code model} must be a configured model name (or "-" when none resolved) and
 * {@code route} a route template such as "/v1/chat/completions", never raw client input: every
 * distinct value makes a new time series.
 *
 * <p>A request's own figures (started, finished, first token, tokens) reach the meters in batches,
 * not one by one on the request's path: after a stream of some 25 ms the meters are out of the CPU's
 * caches, and recording one request's figures cost 50–60 µs on its thread, between its last event and
 * the next request's first read, where a batch records each in a fraction of a microsecond
 * (BENCHMARKS.md). A scrape records whatever waits first, so what it shows is exact.
 */
public final class Metrics {
    /** Content-Type of {@link #scrape()}. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    // Few buckets on purpose: they multiply by model × route × status.
    private static final Duration[] REQUEST_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300);
    private static final Duration[] TTFT_BUCKETS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60);
    private static final Duration[] LOAD_BUCKETS = seconds(1, 5, 10, 30, 60, 120, 300, 600);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<List<ModelGauge>> models;
    private final List<String> states;
    // Meters a request touches, kept once made: building one through Micrometer's builders (tags
    // sorted, histogram buckets converted, the registry's map searched) on every request cost ~5 % of
    // the request threads' CPU under load (profile in BENCHMARKS.md).
    private final Map<ModelRoute, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<Answered, RequestMeters> answered = new ConcurrentHashMap<>();
    private final Map<String, Timer> firstToken = new ConcurrentHashMap<>();
    private final Map<String, Counter> tokens = new ConcurrentHashMap<>();
    /** Request figures waiting to be recorded, in the order they came. */
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final ReentrantLock recording = new ReentrantLock(); // one recorder at a time keeps their order
    /** How many figures wait before the thread that adds the last records them all. */
    static final int BATCH = 64;
    private final MultiGauge modelState;
    private final MultiGauge modelMemory;
    private final MultiGauge modelMeasured;
    private final MultiGauge modelInFlight;
    private final MultiGauge modelQueued;

    /**
     * One model as the per-model gauges show it, read fresh at each scrape.
     *
     * @param state       its state's wire name, one of the {@code states} given to the constructor
     * @param loaded      ready or busy
     * @param holdsMemory its memory counts against the budget (loading, loaded or unloading)
     * @param measuredBytes the peak footprint measured of its engine (scheduler rule 8), -1 before any
     */
    public record ModelGauge(String name, String state, boolean loaded, boolean holdsMemory, long memoryBytes,
                             int inFlight, int queued, long measuredBytes) {

        public ModelGauge(String name, String state, boolean loaded, boolean holdsMemory, long memoryBytes,
                          int inFlight, int queued) {
            this(name, state, loaded, holdsMemory, memoryBytes, inFlight, queued, -1);
        }
    }

    /**
     * @param models      every configured model, as the scheduler sees it now
     * @param states      every state a model can be in (a row each, 1 for the current one)
     * @param usedBytes   memory taken by loaded and loading models
     * @param budgetBytes the memory budget
     */
    public Metrics(Supplier<List<ModelGauge>> models, List<String> states, LongSupplier usedBytes,
                   LongSupplier budgetBytes) {
        this.models = models;
        this.states = List.copyOf(states);
        // strongReference: a gauge holds its object weakly, and a lambda nobody else keeps would be
        // collected, leaving NaN.
        Gauge.builder("hearth.memory.used", usedBytes, s -> s.getAsLong()).baseUnit("bytes").strongReference(true)
                .description("Memory taken from the budget by loaded and loading models").register(registry);
        Gauge.builder("hearth.memory.budget", budgetBytes, s -> s.getAsLong()).baseUnit("bytes").strongReference(true)
                .description("Memory budget for all models").register(registry);
        Gauge.builder("hearth.models.loaded", this, m -> m.loadedCount())
                .description("ModelScheduler ready or busy").register(registry);
        modelState = MultiGauge.builder("hearth.model.state")
                .description("1 for the model's current state, 0 for the others").register(registry);
        modelMemory = MultiGauge.builder("hearth.model.memory").baseUnit("bytes")
                .description("Memory a loaded model takes from the budget").register(registry);
        modelMeasured = MultiGauge.builder("hearth.model.memory.measured").baseUnit("bytes")
                .description("The peak footprint measured of a model's engine: GPU memory, else resident memory")
                .register(registry);
        modelInFlight = MultiGauge.builder("hearth.model.in.flight")
                .description("Requests and jobs running on the model").register(registry);
        modelQueued = MultiGauge.builder("hearth.model.queue.depth")
                .description("Requests waiting for the model").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** A request reached a model; pair with {@link #requestFinished}. */
    public void requestStarted(String model, String route) {
        later(() -> inFlight.computeIfAbsent(new ModelRoute(model, route),
                k -> registry.gauge("hearth.requests.in.flight", Tags.of("model", model, "route", route),
                        new AtomicInteger())).incrementAndGet());
    }

    private record ModelRoute(String model, String route) {}

    private record Answered(String model, String route, int status) {}

    private record RequestMeters(Counter count, Timer duration) {}

    /** The response ended (or failed) with this HTTP status after this long. */
    public void requestFinished(String model, String route, int status, long durationNanos) {
        later(() -> recordFinished(model, route, status, durationNanos));
    }

    private void recordFinished(String model, String route, int status, long durationNanos) {
        AtomicInteger running = inFlight.get(new ModelRoute(model, route));
        if (running != null) {
            running.decrementAndGet();
        }
        RequestMeters meters = answered.computeIfAbsent(new Answered(model, route, status), k -> {
            Tags tags = Tags.of("model", model, "route", route, "status", Integer.toString(status));
            return new RequestMeters(
                    Counter.builder("hearth.requests").description("Requests answered").tags(tags).register(registry),
                    Timer.builder("hearth.request.duration").description("Time to answer a request, streams included")
                            .serviceLevelObjectives(REQUEST_BUCKETS).tags(tags).register(registry));
        });
        meters.count().increment();
        meters.duration().record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** Time from receiving a streamed request to sending its first token. */
    public void timeToFirstToken(String model, long nanos) {
        later(() -> firstToken.computeIfAbsent(model, m -> Timer.builder("hearth.time.to.first.token")
                        .description("Time until the first streamed token")
                        .serviceLevelObjectives(TTFT_BUCKETS).tags("model", m).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS));
    }

    /** Tokens generated (completion tokens, as the engine's usage block reports them). */
    public void tokens(String model, long n) {
        later(() -> tokens.computeIfAbsent(model, m -> Counter.builder("hearth.tokens").description("Tokens generated")
                .tags("model", m).register(registry)).increment(n));
    }

    /** Queues a request's figure; the {@link #BATCH}-th waiting records them all, unless another thread is. */
    private void later(Runnable figure) {
        waiting.add(figure);
        if (waitingCount.incrementAndGet() >= BATCH && recording.tryLock()) {
            try {
                recordWaiting();
            } finally {
                recording.unlock();
            }
        }
    }

    /** How many request figures wait to be recorded (for tests). */
    int figuresWaiting() {
        return waitingCount.get();
    }

    /** Records every figure that waits, in order (the caller holds {@link #recording}). */
    private void recordWaiting() {
        for (Runnable figure; (figure = waiting.poll()) != null; ) {
            waitingCount.decrementAndGet();
            try {
                figure.run();
            } catch (RuntimeException e) { // one figure's failure is not the request's that records the batch
                System.getLogger("hearth.metrics").log(System.Logger.Level.WARNING, "a request metric failed", e);
            }
        }
    }

    /** A load attempt ended, ready ({@code ok}) or failed. */
    public void modelLoad(String model, long durationNanos, boolean ok) {
        Tags tags = Tags.of("model", model, "outcome", ok ? "ok" : "failed");
        Counter.builder("hearth.model.loads").description("Model load attempts").tags(tags).register(registry).increment();
        Timer.builder("hearth.model.load.duration").description("Time from start to ready (or failure)")
                .serviceLevelObjectives(LOAD_BUCKETS).tags(tags).register(registry)
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    /** A model left memory; reason idle|evicted|exclusive|manual|shutdown|crash. */
    public void modelUnload(String model, String reason) {
        Counter.builder("hearth.model.unloads").description("ModelScheduler unloaded, by reason")
                .tags("model", model, "reason", reason).register(registry).increment();
    }

    /** The Prometheus text exposition, per-model gauges read fresh from the scheduler. */
    public String scrape() {
        recording.lock(); // after a recorder busy now: every figure so far is in the meters
        try {
            recordWaiting();
        } finally {
            recording.unlock();
        }
        refreshModels();
        return registry.scrape();
    }

    /** For binding more meters (e.g. the job store's). */
    public PrometheusMeterRegistry registry() { return registry; }

    private void refreshModels() {
        List<MultiGauge.Row<?>> state = new ArrayList<>();
        List<MultiGauge.Row<?>> memory = new ArrayList<>();
        List<MultiGauge.Row<?>> measured = new ArrayList<>();
        List<MultiGauge.Row<?>> running = new ArrayList<>();
        List<MultiGauge.Row<?>> queued = new ArrayList<>();
        for (ModelGauge m : models.get()) {
            Tags model = Tags.of("model", m.name());
            for (String s : states) {
                state.add(MultiGauge.Row.of(model.and("state", s), s.equals(m.state()) ? 1 : 0));
            }
            if (m.holdsMemory()) {
                memory.add(MultiGauge.Row.of(model, m.memoryBytes()));
            }
            if (m.measuredBytes() > 0) {
                measured.add(MultiGauge.Row.of(model, m.measuredBytes()));
            }
            running.add(MultiGauge.Row.of(model, m.inFlight()));
            queued.add(MultiGauge.Row.of(model, m.queued()));
        }
        // overwrite = true: rows of models no longer listed (or no longer loaded) disappear.
        modelState.register(state, true);
        modelMemory.register(memory, true);
        modelMeasured.register(measured, true);
        modelInFlight.register(running, true);
        modelQueued.register(queued, true);
    }

    private int loadedCount() {
        return (int) models.get().stream().filter(ModelGauge::loaded).count();
    }

    private static Duration[] seconds(double... values) {
        Duration[] d = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return d;
    }
}
