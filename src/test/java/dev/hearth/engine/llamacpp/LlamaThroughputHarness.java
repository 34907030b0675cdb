package dev.hearth.engine.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.CacheType;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures where java-llama.cpp spends its time per generated token. Not a test (timings on a
 * shared CI box prove nothing): run it by hand after {@code ./mvnw test-compile}.
 * <pre>
 * ./mvnw -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java --enable-native-access=ALL-UNNAMED -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) \
 *   dev.hearth.engine.llamacpp.LlamaThroughputHarness ../shared/models/stories260K.gguf THREADS TOKENS ROUNDS [POLL]
 * </pre>
 * Knobs: {@code -Dharness.flashAttn=true}, {@code -Dharness.kvType=f32} (KV cache type).
 * It prints (lines starting HARNESS) the wall time seen from Java around the token iterator
 * ({@code generate}) and around {@code complete()}; llama.cpp's own slot prints its "eval time" for
 * the same requests on stdout ({@code | grep -E 'HARNESS|^ +eval time'}). Where the two agree, the
 * time is spent inside llama.cpp's decode loop, not in JNI, JSON or the Java side.
 *
 * <p>Findings (stories260K, 2 shared AMD EPYC cores, java-llama.cpp 4.2.0 = llama.cpp b4916):
 * <ul>
 * <li>Java wall time around the iterator equals llama.cpp's own slot "eval time" to within noise,
 *     and {@code generate()} and {@code complete()} run at the same speed: JNI, the per-token
 *     result hand-off and Java cost nothing measurable.</li>
 * <li>Threads: idle box, 1 and 2 threads run the same (~2,050-2,250 tok/s at 200 tokens); with
 *     the other core busy, 2 threads fell to ~250-300 tok/s and 1 thread kept ~800-900 tok/s at
 *     1,000 tokens: llama.cpp's threads meet at a barrier after every op, and one descheduled
 *     thread stalls the other. Hence 1 thread by default for small models.</li>
 * <li>Per-token time grows with position (50 tokens ~2,750 tok/s, 200 ~2,250, 1,000 ~1,100):
 *     attention over the KV cache. An f32 KV cache avoids the f16 conversions there: +15% at 200
 *     tokens, +35% at 1,000 (1,050 -> 1,430). Flash attention is slower here (~630), and flash
 *     attention with an f32 cache aborts the JVM in native code.</li>
 * <li>perf (200-token runs): ~37% of samples in ggml math (f16/f32 dot products, mul_mat, softmax,
 *     f32->f16 conversion), ~13% rebuilding, allocating and scheduling the ggml graph for every
 *     token, ~3% sampling (top-k heap), ~4% kernel (thread wake-ups), ~15% JVM start-up and
 *     extracting the native library (not per token).</li>
 * </ul>
 */
final class LlamaThroughputHarness {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
        } finally {
            // java-llama.cpp's server thread is attached as a non-daemon thread: without halt the JVM never exits
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    static void run(String[] args) {
        String model = args.length > 0 ? args[0] : "../shared/models/stories260K.gguf";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int poll = args.length > 4 ? Integer.parseInt(args[4]) : -1; // llama.cpp's --poll: 0 = no busy-wait
        ModelParameters mp = new ModelParameters().setModel(model).setCtxSize(2048);
        if (threads > 0) {
            mp.setThreads(threads).setThreadsBatch(threads);
        }
        if (Boolean.getBoolean("harness.flashAttn")) {
            mp.enableFlashAttn();
        }
        if (System.getProperty("harness.kvType") != null) {
            CacheType kv = CacheType.valueOf(System.getProperty("harness.kvType").toUpperCase(java.util.Locale.ROOT));
            mp.setCacheTypeK(kv).setCacheTypeV(kv);
        }
        if (poll >= 0) {
            mp.setPoll(poll).setPollBatch(poll);
        }
        List<Double> stream = new ArrayList<>();
        List<Double> complete = new ArrayList<>();
        LlamaModel m = new LlamaModel(mp); // never closed: close() leaks and the process ends anyway
        stream(m, 50); // warm-up
        for (int r = 0; r < rounds; r++) {
            stream.add(stream(m, tokens));
            complete.add(complete(m, tokens));
        }
        System.out.printf("HARNESS threads=%s poll=%s flashAttn=%s kv=%s tokens=%d rounds=%d%n",
                threads == 0 ? "default" : threads, poll < 0 ? "default" : poll, Boolean.getBoolean("harness.flashAttn"),
                System.getProperty("harness.kvType", "f16"), tokens, rounds);
        System.out.printf("HARNESS   generate() iterator, Java wall: median %.0f tok/s  %s%n", tokens / median(stream) * 1e3, rates(stream, tokens));
        System.out.printf("HARNESS   complete(),          Java wall: median %.0f tok/s  %s%n", tokens / median(complete) * 1e3, rates(complete, tokens));
    }

    static InferenceParameters params(int tokens) {
        // ignore_eos: every round generates exactly `tokens`, so the rounds compare
        return new InferenceParameters("Once upon a time").setNPredict(tokens).setIgnoreEos(true)
                .setTemperature(0.8f).setSeed(42);
    }

    static double stream(LlamaModel m, int tokens) {
        long t0 = System.nanoTime();
        LlamaIterator it = m.generate(params(tokens)).iterator();
        while (it.hasNext()) {
            it.next();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static double complete(LlamaModel m, int tokens) {
        long t0 = System.nanoTime();
        m.complete(params(tokens));
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(List<Double> xs) {
        List<Double> s = xs.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    static String rates(List<Double> ms, int tokens) {
        return ms.stream().map(x -> String.format("%.0f", tokens / x * 1e3)).toList().toString();
    }
}
