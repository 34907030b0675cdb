package dev.hearth.cli;

import dev.hearth.scheduler.SwapSimulation;
import dev.hearth.scheduler.SwapSimulation.Policy;
import dev.hearth.scheduler.SwapSimulation.Result;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hearth bench swaps}'s traces through the real scheduler core in simulated time: the goals
 * of rule 7 as figures that do not depend on the machine.
 */
class SwapsBenchTest {
    private final List<SwapsBench.Trace> traces = new SwapsBench().traces();

    private SwapsBench.Trace trace(String prefix) {
        return traces.stream().filter(t -> t.name().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static Result run(Policy p, SwapsBench.Trace t) {
        return SwapSimulation.run(p, t.models(), t.budget(), t.items());
    }

    private static Duration longest(SwapsBench.Trace t, Result r, String model) {
        Duration longest = Duration.ZERO;
        for (int i = 0; i < t.items().size(); i++) {
            if (t.items().get(i).model().equals(model) && r.waits().get(i).compareTo(longest) > 0) longest = r.waits().get(i);
        }
        return longest;
    }

    @Test
    void alternatingTwoModels_swapsAThirdAsOftenAsFifo_andEveryWaitIsBounded() {
        SwapsBench.Trace t = trace("alternating");

        Result fifo = run(Policy.FIFO, t);
        Result hearth = run(Policy.HEARTH, t);

        assertThat(hearth.failed()).isZero();
        assertThat(hearth.loads()).isLessThanOrEqualTo(fifo.loads() / 3);
        // max_wait 5 s + the swap under way (2 s stop, 20 s load) + its own swap + the request being finished
        assertThat(SwapsBench.percentile(hearth.waits(), 100)).isLessThanOrEqualTo(Duration.ofSeconds(5 + 22 + 22 + 1));
        assertThat(SwapsBench.withinBound(t, hearth)).isEqualTo("yes");
    }

    @Test
    void aModelThatIsNeverIdle_doesNotStarveTheOther_asGroupingByModelDoes() {
        SwapsBench.Trace t = trace("a never idle");

        Result grouped = run(Policy.LLAMA_SWAP, t);
        Result hearth = run(Policy.HEARTH, t);

        assertThat(longest(t, grouped, "b")).as("b waits until the trace ends").isGreaterThan(Duration.ofMinutes(9));
        assertThat(longest(t, hearth, "b")).isLessThan(Duration.ofSeconds(90));
    }

    @Test
    void aVideoJobBesideChat_usesTheBudget_soChatWaitsLittle() {
        SwapsBench.Trace t = trace("bursty");

        Result hearth = run(Policy.HEARTH, t);

        assertThat(longest(t, hearth, "a")).isLessThan(Duration.ofSeconds(30));
        assertThat(longest(t, hearth, "b")).isLessThan(Duration.ofSeconds(30));
        assertThat(longest(t, run(Policy.LLAMA_SWAP, t), "a")).isGreaterThan(Duration.ofMinutes(5));
    }
}
