package dev.hearth.cli;

import dev.hearth.TestModels;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StormBenchTest {
    /** Each task on a thread of its own: they block on the gate, which the common pool's one worker here must not. */
    private static final java.util.concurrent.Executor OWN_THREAD = task -> Thread.ofPlatform().daemon().start(task);

    /**
     * `hearth bench --storm`, small: a real Hearth with its llamacpp engine serves two clients alone and
     * under a storm of retried refusals, in turns; each side has its row, the storm was only ever
     * answered 429, and the served rate's ratio comes with its rounds' spread and paired interval.
     */
    @Test
    void stormBench_servesAloneAndUnderTheStorm_inTurns_andTheStormHearsOnly429s() {
        CliRun run = CliRun.of(new BenchCommand(), "--model", TestModels.stories260K().toString(), "--storm", "4",
                "--clients", "2", "--requests", "16", "--rounds", "2", "--max-tokens", "4");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        String[] alone = row(run.out(), "alone");
        String[] stormed = row(run.out(), "4 clients storm");
        assertThat(Double.parseDouble(alone[1])).as("req/s alone").isPositive();
        assertThat(Double.parseDouble(stormed[1])).as("req/s under the storm").isPositive();
        assertThat(alone[5]).as("failures alone").isEqualTo("0");
        assertThat(stormed[5]).as("failures under the storm").isEqualTo("0");
        assertThat(Double.parseDouble(stormed[6])).as("the storm's refusals a second").isPositive();
        assertThat(run.out()).containsPattern("served throughput with the storm: \\d+% of alone \\(rounds \\d+–\\d+%;"
                + " paired [\\d.]+% \\(95% CI [\\d.]+–[\\d.]+%\\)\\); storm answers other than 429: 0");
    }

    @Test
    void spread_givesTheRoundsRange_andThePairedMeanWithItsInterval() {
        assertThat(StormBench.spread(new double[] {90, 100}, new double[] {100, 100}))
                .isEqualTo("rounds 90–100%; paired 94.9% (95% CI 48.6–185.3%)");
        assertThat(StormBench.spread(new double[] {0, 100}, new double[] {100, 100}))
                .isEqualTo("rounds 0–100%; a round without answers");
    }

    @Test
    void aClosedGate_holdsTheStorm_andOpeningItLetsItThrough() throws Exception {
        StormBench.Gate gate = new StormBench.Gate();
        CompletableFuture<Boolean> entered = CompletableFuture.supplyAsync(() -> enter(gate), OWN_THREAD);

        await().atMost(Duration.ofSeconds(10)).until(() -> waiting(gate));
        assertThat(entered).isNotDone();

        gate.open(1); // returns once the waiting request has passed
        assertThat(entered.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        gate.leave();
    }

    @Test
    void closingTheGate_returnsOnlyOnceTheRequestsThatPassedItAreAnswered() throws Exception {
        StormBench.Gate gate = new StormBench.Gate();
        CompletableFuture<Boolean> entered = CompletableFuture.supplyAsync(() -> enter(gate), OWN_THREAD);
        gate.open(1);
        assertThat(entered.get(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        AtomicReference<Thread> closer = new AtomicReference<>();
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            closer.set(Thread.currentThread());
            try {
                gate.close();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD);

        await().atMost(Duration.ofSeconds(10)).until(() -> closer.get() != null
                && closer.get().getState() == Thread.State.TIMED_WAITING);
        assertThat(closed).isNotDone();

        gate.leave();
        closed.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aStoppedGate_sendsTheStormHome() throws Exception {
        StormBench.Gate gate = new StormBench.Gate();
        CompletableFuture<Boolean> entered = CompletableFuture.supplyAsync(() -> enter(gate), OWN_THREAD);
        await().atMost(Duration.ofSeconds(10)).until(() -> waiting(gate));

        gate.stop();

        assertThat(entered.get(10, java.util.concurrent.TimeUnit.SECONDS)).isFalse();
    }

    private static boolean enter(StormBench.Gate gate) {
        try {
            return gate.enter();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether some thread waits on the gate's monitor (the one in {@code enter}). */
    private static boolean waiting(StormBench.Gate gate) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getState() == Thread.State.WAITING
                && java.util.Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("enter")
                && f.getClassName().equals(StormBench.Gate.class.getName())));
    }

    /** A row of the storm table: its name's words joined, then req/s, tok/s, ttft p50, p99, fail, 429/s. */
    private static String[] row(String out, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name)
                + "\\s+([\\d.]+)\\s+(\\d+)\\s+([\\d.]+)ms\\s+([\\d.]+)ms\\s+(\\d+)\\s+(\\d+)\\s*$").matcher(out);
        if (!m.find()) throw new AssertionError("no row '" + name + "' in:\n" + out);
        return new String[] {name, m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6)};
    }
}
