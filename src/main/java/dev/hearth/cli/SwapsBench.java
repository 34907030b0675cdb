package dev.hearth.cli;

import dev.hearth.scheduler.SwapSimulation;
import dev.hearth.scheduler.SwapSimulation.Item;
import dev.hearth.scheduler.SwapSimulation.Model;
import dev.hearth.scheduler.SwapSimulation.Policy;
import dev.hearth.scheduler.SwapSimulation.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code hearth bench swaps}: request traces replayed against the real scheduler in simulated time
 * (loads and stops cost what the trace says; see {@link SwapSimulation}), beside naive FIFO and
 * llama-swap's group-by-model queue. Deterministic: the same figures on every machine.
 */
@Command(name = "swaps", description = "Replay request traces against the scheduler with simulated load costs:"
        + " swaps and waits for naive FIFO, llama-swap and Hearth (see BENCHMARKS.md).")
final class SwapsBench implements Callable<Integer> {
    private static final long GIB = 1L << 30;

    @Option(names = "--load", description = "seconds a chat model takes to load, like vLLM (default: 20)")
    int loadSeconds = 20;

    @Option(names = "--max-wait", description = "the chat models' max_wait in seconds (default: 5, Hearth's)")
    int maxWaitSeconds = 5;

    @Option(names = "--minutes", description = "length of each trace (default: 10)")
    int minutes = 10;

    /** A named trace: its models, the budget they share and the requests. */
    record Trace(String name, List<Model> models, long budget, List<Item> items) {}

    @Override
    public Integer call() {
        System.out.printf(Locale.ROOT, "hearth bench swaps: simulated time, chat models load in %d s and stop in 2 s,"
                + " max_wait %d s (video 3 min)%n%n", loadSeconds, maxWaitSeconds);
        for (Trace t : traces()) {
            System.out.println("## " + t.name());
            System.out.println();
            System.out.println("| policy | swaps | p50 wait | p99 wait | longest wait, per model | within max_wait + two swaps |");
            System.out.println("| --- | --- | --- | --- | --- | --- |");
            for (Policy p : Policy.values()) {
                Result r = SwapSimulation.run(p, t.models(), t.budget(), t.items());
                System.out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s |%n", label(p), r.loads(),
                        seconds(percentile(r.waits(), 50)), seconds(percentile(r.waits(), 99)),
                        longestPerModel(t, r), withinBound(t, r));
            }
            System.out.println();
        }
        return 0;
    }

    List<Trace> traces() {
        Duration load = Duration.ofSeconds(loadSeconds);
        Duration wait = Duration.ofSeconds(maxWaitSeconds);
        Model a = chat("a", 40, load, wait);
        Model b = chat("b", 40, load, wait);
        Model c = chat("c", 40, load, wait);
        Duration end = Duration.ofMinutes(minutes);
        List<Trace> traces = new ArrayList<>();

        // two users on two models that do not fit together, one request each every 4 s, interleaved
        List<Item> alternating = new ArrayList<>();
        for (Duration t = Duration.ZERO; t.compareTo(end) < 0; t = t.plusSeconds(2)) {
            alternating.add(new Item(t, t.toSeconds() % 4 == 0 ? "a" : "b", Duration.ofSeconds(1)));
        }
        traces.add(new Trace("alternating two models (a, b, a, b… every 2 s, 1 s each; one fits at a time)",
                List.of(a, b), 60 * GIB, alternating));

        List<Item> roundRobin = new ArrayList<>();
        String[] three = {"a", "b", "c"};
        int n = 0;
        for (Duration t = Duration.ZERO; t.compareTo(end) < 0; t = t.plusSeconds(2)) {
            roundRobin.add(new Item(t, three[n++ % 3], Duration.ofSeconds(1)));
        }
        traces.add(new Trace("three models round-robin (a, b, c… every 2 s, 1 s each; one fits at a time)",
                List.of(a, b, c), 60 * GIB, roundRobin));

        // a busy model that is never idle (two requests a second, one second each: two in flight at any
        // time) and a user of b once a minute; grouping by model alone never gets to b
        List<Item> stream = new ArrayList<>();
        for (Duration t = Duration.ZERO; t.compareTo(end) < 0; t = t.plusMillis(500)) {
            stream.add(new Item(t, "a", Duration.ofSeconds(1)));
            if (t.toMillis() % 60_000 == 30_000) stream.add(new Item(t, "b", Duration.ofSeconds(1)));
        }
        traces.add(new Trace("a never idle (a request every 0.5 s, 1 s each) and b once a minute (one fits at a time)",
                List.of(a, b), 60 * GIB, stream));

        // bursts of chat on a and b in turn, and a 5-minute video job on a 60 GiB model that fits
        // beside one chat model, not two
        Model video = new Model("video", 60 * GIB, Duration.ofSeconds(90), Duration.ofSeconds(5),
                Duration.ofMinutes(3), 1);
        List<Item> bursty = new ArrayList<>();
        for (Duration t = Duration.ZERO; t.compareTo(end) < 0; t = t.plusSeconds(60)) {
            String m = t.toMinutes() % 2 == 0 ? "a" : "b";
            for (int i = 0; i < 5; i++) bursty.add(new Item(t.plusSeconds(2L * i), m, Duration.ofSeconds(3)));
        }
        bursty.add(new Item(Duration.ofSeconds(100), "video", Duration.ofMinutes(5)));
        bursty.sort(Comparator.comparing(Item::at));
        traces.add(new Trace("bursty chat on a and b in turn, and a 5-minute video job (budget 100 GiB: video fits"
                + " beside one chat model)", List.of(a, b, video), 100 * GIB, bursty));
        return traces;
    }

    private static Model chat(String name, long gib, Duration load, Duration maxWait) {
        return new Model(name, gib * GIB, load, Duration.ofSeconds(2), maxWait, 4);
    }

    /**
     * Whether every item waited at most its model's max_wait, plus two swaps (a stop and a load: the
     * swap that may be under way when it arrives, and its own), plus the longest request (what a
     * model that makes room finishes first). One swap is not enough for any policy that does not
     * abort a load: an item arriving as another model starts loading waits for that load too.
     */
    static String withinBound(Trace t, Result r) {
        Duration worst = Duration.ZERO;
        Duration slowest = t.models().stream().map(x -> x.stop().plus(x.load())).max(Comparator.naturalOrder())
                .orElseThrow();
        for (int i = 0; i < t.items().size(); i++) {
            Item item = t.items().get(i);
            Model m = t.models().stream().filter(x -> x.name().equals(item.model())).findFirst().orElseThrow();
            Duration swap = slowest.plus(m.stop()).plus(m.load());
            Duration longestService = t.items().stream().map(Item::service).max(Comparator.naturalOrder()).orElseThrow();
            Duration over = r.waits().get(i).minus(m.maxWait()).minus(swap).minus(longestService);
            if (over.compareTo(worst) > 0) worst = over;
        }
        return worst.isZero() ? "yes" : "no (" + seconds(worst) + " over)";
    }

    private static String longestPerModel(Trace t, Result r) {
        List<String> parts = new ArrayList<>();
        for (Model m : t.models()) {
            Duration longest = Duration.ZERO;
            for (int i = 0; i < t.items().size(); i++) {
                if (t.items().get(i).model().equals(m.name()) && r.waits().get(i).compareTo(longest) > 0) {
                    longest = r.waits().get(i);
                }
            }
            parts.add(m.name() + " " + seconds(longest));
        }
        return String.join(", ", parts);
    }

    private static String label(Policy p) {
        return switch (p) {
            case FIFO -> "naive FIFO";
            case LLAMA_SWAP -> "llama-swap (group by model)";
            case HEARTH -> "Hearth (rule 7)";
        };
    }

    static Duration percentile(List<Duration> values, int p) {
        List<Duration> sorted = values.stream().sorted().toList();
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
