package dev.hearth.engine.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.ModelParameters;

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
 * It prints (lines starting HARNESS) the wall time seen from Java around the token iterator
 * ({@code generate}) and around {@code complete()}; llama.cpp's own slot prints its "eval time" for
 * the same requests on stdout ({@code | grep -E 'HARNESS|^ +eval time'}). Where the two agree, the
 * time is spent inside llama.cpp's decode loop, not in JNI, JSON or the Java side.
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
        System.out.printf("HARNESS threads=%s poll=%s tokens=%d rounds=%d%n",
                threads == 0 ? "default" : threads, poll < 0 ? "default" : poll, tokens, rounds);
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
