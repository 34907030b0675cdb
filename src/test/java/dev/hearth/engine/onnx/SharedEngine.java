package dev.hearth.engine.onnx;

import dev.hearth.catalog.Task;
import dev.hearth.catalog.ModelSpec;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One started engine shared by the test classes of this package: loading costs about a second. */
public final class SharedEngine {
    private static OnnxEmbeddingEngine shared;

    private SharedEngine() {}

    public static synchronized OnnxEmbeddingEngine started() {
        if (shared == null) {
            shared = new OnnxEmbeddingEngine(spec("minilm", Map.of()));
            shared.start();
        }
        return shared;
    }

    static ModelSpec spec(String name, Map<String, Object> options) {
        return new ModelSpec(name, Task.EMBEDDINGS, dev.hearth.catalog.EngineKind.ONNX_EMBEDDINGS, List.of(), null, Map.of(), null, null,
                null, null, 200L << 20, Duration.ofMinutes(30), false, 4, 100, Duration.ofSeconds(30),
                Duration.ofMinutes(2), Duration.ofSeconds(10), Map.of(), null, options, null, null);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
