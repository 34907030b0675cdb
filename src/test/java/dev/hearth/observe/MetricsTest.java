package dev.hearth.observe;

import dev.hearth.scheduler.ModelMetrics;
import dev.hearth.scheduler.ModelState;
import dev.hearth.scheduler.ModelStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
    private static final long GIB = 1L << 30;

    private final AtomicReference<List<ModelStatus>> models = new AtomicReference<>(List.of(
            status("qwen", ModelState.BUSY, 40 * GIB, 2, 3),
            status("minilm", ModelState.UNLOADED, GIB, 0, 0)));
    private final Metrics metrics = new Metrics(ModelMetrics.gauges(models::get), ModelMetrics.STATES,
            () -> 40 * GIB, () -> 120 * GIB);

    private static ModelStatus status(String name, ModelState state, long memory, int inFlight, int queued) {
        return new ModelStatus(name, state, memory, inFlight, queued, Instant.EPOCH, null, null);
    }

    @Test
    void Metrics_exposesRequestAndModelEvents_whenScraped() {
        metrics.requestStarted("qwen", "/v1/chat/completions");
        metrics.requestStarted("qwen", "/v1/chat/completions");
        metrics.requestFinished("qwen", "/v1/chat/completions", 200, 1_500_000_000L);
        metrics.timeToFirstToken("qwen", 80_000_000L);
        metrics.tokens("qwen", 42);
        metrics.modelLoad("qwen", 30_000_000_000L, true);
        metrics.modelLoad("minilm", 1_000_000_000L, false);
        metrics.modelUnload("minilm", "evicted");

        String text = metrics.scrape();

        assertThat(text).contains(
                "hearth_requests_total{model=\"qwen\",route=\"/v1/chat/completions\",status=\"200\"} 1.0",
                "hearth_requests_in_flight{model=\"qwen\",route=\"/v1/chat/completions\"} 1.0",
                "hearth_request_duration_seconds_bucket{",
                "hearth_request_duration_seconds_sum{model=\"qwen\",route=\"/v1/chat/completions\",status=\"200\"} 1.5",
                "hearth_time_to_first_token_seconds_count{model=\"qwen\"} 1",
                "hearth_tokens_total{model=\"qwen\"} 42.0",
                "hearth_model_loads_total{model=\"qwen\",outcome=\"ok\"} 1.0",
                "hearth_model_loads_total{model=\"minilm\",outcome=\"failed\"} 1.0",
                "hearth_model_load_duration_seconds_sum{model=\"qwen\",outcome=\"ok\"} 30.0",
                "hearth_model_unloads_total{model=\"minilm\",reason=\"evicted\"} 1.0",
                "jvm_memory_used_bytes");
    }

    @Test
    void Metrics_readsGaugesFromScheduler_whenScraped() {
        String text = metrics.scrape();

        assertThat(text).contains(
                "hearth_memory_used_bytes " + (double) (40 * GIB),
                "hearth_memory_budget_bytes " + (double) (120 * GIB),
                "hearth_models_loaded 1.0",
                "hearth_model_state{model=\"qwen\",state=\"busy\"} 1.0",
                "hearth_model_state{model=\"qwen\",state=\"ready\"} 0.0",
                "hearth_model_memory_bytes{model=\"qwen\"} " + (double) (40 * GIB),
                "hearth_model_in_flight{model=\"qwen\"} 2.0",
                "hearth_model_queue_depth{model=\"qwen\"} 3.0",
                "hearth_model_queue_depth{model=\"minilm\"} 0.0");
        assertThat(text).doesNotContain("hearth_model_memory_bytes{model=\"minilm\"}");
    }

    @Test
    void Metrics_followsStateChanges_whenModelsChangeBetweenScrapes() {
        metrics.scrape();
        models.set(List.of(status("qwen", ModelState.UNLOADED, 40 * GIB, 0, 0),
                status("minilm", ModelState.READY, GIB, 0, 0)));

        String text = metrics.scrape();

        assertThat(text).contains(
                "hearth_model_state{model=\"qwen\",state=\"unloaded\"} 1.0",
                "hearth_model_state{model=\"minilm\",state=\"ready\"} 1.0",
                "hearth_model_memory_bytes{model=\"minilm\"} " + (double) GIB);
        assertThat(text).doesNotContain("hearth_model_memory_bytes{model=\"qwen\"}");
    }

    @Test
    void Metrics_showsEveryRequestFromManyThreads_whenScrapedWhileFiguresWait() throws Exception {
        int threads = 8, each = 500;
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            var all = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < threads; t++) {
                all.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        metrics.requestStarted("qwen", "/v1/chat/completions");
                        metrics.timeToFirstToken("qwen", 80_000_000L);
                        metrics.tokens("qwen", 2);
                        metrics.requestFinished("qwen", "/v1/chat/completions", 200, 1_000_000L);
                    }
                }));
            }
            for (var f : all) f.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        metrics.requestStarted("qwen", "/v1/chat/completions"); // one still streaming

        String text = metrics.scrape();

        assertThat(text).contains(
                "hearth_requests_total{model=\"qwen\",route=\"/v1/chat/completions\",status=\"200\"} 4000.0",
                "hearth_requests_in_flight{model=\"qwen\",route=\"/v1/chat/completions\"} 1.0",
                "hearth_time_to_first_token_seconds_count{model=\"qwen\"} 4000",
                "hearth_tokens_total{model=\"qwen\"} 8000.0");
        assertThat(metrics.figuresWaiting()).isZero();
    }

    @Test
    void Metrics_recordsFiguresInBatches_withoutAScrape() {
        for (int i = 0; i < 10_000; i++) {
            metrics.requestStarted("qwen", "/v1/chat/completions");
            metrics.requestFinished("qwen", "/v1/chat/completions", 200, 1_000_000L);
        }

        assertThat(metrics.figuresWaiting()).as("never more than a batch waits").isLessThan(Metrics.BATCH);
    }
}
