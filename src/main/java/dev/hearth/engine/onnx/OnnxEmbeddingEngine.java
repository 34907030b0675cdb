package dev.hearth.engine.onnx;

import dev.hearth.engine.Endpoint;
import dev.hearth.catalog.ModelSpec;
import dev.hearth.engine.EmbeddingBackend;
import dev.hearth.engine.Engine;
import dev.hearth.EngineException;
import dev.hearth.engine.LogBuffer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@code onnx-embeddings} engine: all-MiniLM-L6-v2 (quantized, 384 dimensions) in this JVM on
 * the CPU. The first start in a process grows it by ~120 MB resident (ONNX Runtime's and the
 * tokenizer's native libraries, then the session); stop closes the session and the tokenizer, which
 * gives back their ~25-35 MB, while the native libraries stay loaded until the JVM exits. Later
 * start/stop cycles move only those ~30 MB. Measured with VmRSS; glibc may keep some freed pages.
 *
 * <p>{@link #embed} may be called from many threads at once. Texts of one call run in parallel on
 * a pool of {@code options.threads} threads (default: half the cores, leaving the rest to the
 * engines that share the machine); the pool also bounds CPU use across concurrent calls. Inputs
 * longer than 256 word pieces are cut there, as sentence-transformers does for this model.
 */
public final class OnnxEmbeddingEngine implements Engine, EmbeddingBackend {
    public static final int DIMENSIONS = MiniLm.DIMENSIONS;

    @Override
    public int dimensions() { return DIMENSIONS; }

    private final ModelSpec spec;
    private final int threads;
    private final LogBuffer logs = new LogBuffer(100);
    /** An in-JVM model has no process that could die on its own. */
    private final CompletableFuture<String> crashed = new CompletableFuture<>();
    /** Readers embed; the writer loads or closes. Using a closed native tokenizer would crash the JVM. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private MiniLm model;
    private ExecutorService pool;

    public OnnxEmbeddingEngine(ModelSpec spec) {
        this.spec = spec;
        this.threads = threads(spec);
    }

    private static int threads(ModelSpec spec) {
        Object t = spec.options().get("threads");
        if (t instanceof Number n && n.intValue() > 0) {
            return n.intValue();
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }

    @Override
    public String model() { return spec.name(); }

    @Override
    public void start() throws EngineException {
        lock.writeLock().lock();
        try {
            if (model != null) {
                return;
            }
            logs.add("loading all-MiniLM-L6-v2 (quantized ONNX, " + DIMENSIONS + " dims, " + threads + " threads)");
            long t0 = System.nanoTime();
            MiniLm loaded;
            try {
                loaded = MiniLm.load();
            } catch (Exception | LinkageError e) {
                logs.add("load failed: " + e);
                throw new EngineException("Model '" + spec.name() + "' (onnx-embeddings) failed to load: " + e, e);
            }
            long loadedAt = System.nanoTime();
            try {
                loaded.embed("Warm up the session so the first request is not slow.");
            } catch (Exception e) {
                loaded.close();
                logs.add("warm-up failed: " + e);
                throw new EngineException("Model '" + spec.name() + "' (onnx-embeddings) failed its first embedding: " + e, e);
            }
            long warm = System.nanoTime();
            model = loaded;
            pool = Executors.newFixedThreadPool(threads, daemonThreads("onnx-" + spec.name() + "-"));
            logs.add("loaded in " + millis(t0, loadedAt) + " ms, warmed up in " + millis(loadedAt, warm) + " ms");
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Waits for running {@link #embed} calls, then frees the model. */
    @Override
    public void stop() {
        lock.writeLock().lock();
        try {
            if (model == null) {
                return;
            }
            pool.shutdown(); // idle: every embed call waits for its tasks while holding the read lock
            model.close();
            model = null;
            pool = null;
            logs.add("stopped: ONNX session and tokenizer closed");
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public CompletableFuture<String> crashed() { return crashed; }

    @Override
    public Endpoint endpoint() { return new Endpoint.InProcess(this); }

    @Override
    public LogBuffer logs() { return logs; }

    /** @throws EngineException when the engine is not started or the model fails on an input */
    @Override
    public List<float[]> embed(List<String> inputs) {
        lock.readLock().lock();
        try {
            MiniLm m = loaded();
            // Even a single text goes to the pool: callers are the gateway's virtual threads, and a
            // long native call would pin their carrier threads and starve HTTP handling.
            List<CompletableFuture<float[]>> parts = new ArrayList<>(inputs.size());
            for (String text : inputs) {
                parts.add(CompletableFuture.supplyAsync(() -> embedOne(m, text), pool));
            }
            // join() ignores interrupts: the read lock must outlive every task that uses the model.
            List<float[]> out = new ArrayList<>(inputs.size());
            RuntimeException failure = null;
            for (CompletableFuture<float[]> part : parts) {
                try {
                    out.add(part.join());
                } catch (CompletionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException r ? r : e;
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    private float[] embedOne(MiniLm m, String text) {
        try {
            return m.embed(text);
        } catch (Exception e) {
            throw new EngineException("Model '" + spec.name() + "' failed to embed an input: " + e.getMessage(), e);
        }
    }

    /** Word pieces of all inputs, as this model's tokenizer splits them (before the 256-token cut). */
    @Override
    public int countTokens(List<String> inputs) {
        lock.readLock().lock();
        try {
            MiniLm m = loaded();
            int n = 0;
            for (String text : inputs) {
                n += m.countTokens(text);
            }
            return n;
        } finally {
            lock.readLock().unlock();
        }
    }

    private MiniLm loaded() {
        if (model == null) {
            throw new EngineException("Model '" + spec.name() + "' is not loaded");
        }
        return model;
    }

    private static long millis(long from, long to) { return (to - from) / 1_000_000; }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
