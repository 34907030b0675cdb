package dev.hearth.cli;

import dev.hearth.TestModels;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

class BenchCommandTest {

    @Test
    void roundsSpread_showsEachRoundsRatio_andHowOftenHearthKeptUp() {
        String spread = BenchCommand.roundsSpread(new double[] {60, 66, 64}, new double[] {62, 64, 64});

        assertThat(spread).isEqualTo("rounds 0.97–1.03x, Hearth ≥ nginx in 2 of 3; paired 0.999x (95% CI 0.923–1.081)");
    }

    @Test
    void roundsSpread_roundWithoutAnswers_saysSoInsteadOfARatio() {
        String spread = BenchCommand.roundsSpread(new double[] {60, 0}, new double[] {62, 64});

        assertThat(spread).isEqualTo("rounds 0.00–0.97x, Hearth ≥ nginx in 0 of 2; a round without answers");
    }

    /**
     * The whole bench, small: a real Hearth in a child JVM with its llamacpp engine, and Debian's
     * nginx, both in front of that one engine; every path answers every request.
     */
    @Test
    void bench_measuresDirectNginxAndHearth_inFrontOfTheEngineHearthStarted() {
        if (NginxProxy.find(null) == null) {
            String why = "no nginx binary (apt-get install nginx-light)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true but " + why);
            Assumptions.abort(why);
        }

        CliRun run = CliRun.of(new BenchCommand(), "--model", TestModels.stories260K().toString(), "--clients", "2",
                "--requests", "4", "--rounds", "2", "--warmup", "4", "--jit-warmup", "16", "--settle", "0",
                "--cold-runs", "1", "--max-tokens", "8");

        assertThat(run.code()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("direct and nginx: to the engine Hearth started, at http://127\\.0\\.0\\.1:\\d+")
                .contains("(JIT warm-up: 16 requests of 4 tokens through Hearth")
                .contains("hearth/ng")
                .contains("cold start (1 runs, median)");
        for (String path : List.of("direct", "nginx", "hearth")) {
            String[] row = row(run.out(), path);
            assertThat(row[2]).as(path + "'s req/s").isNotEqualTo("0.0");
            assertThat(row[8]).as(path + "'s failures").isEqualTo("0");
        }
    }

    /** The level's row of a path: clients, path, req/s, tok/s, ttft p50, p99, latency p50, p99, fail, cpu. */
    private static String[] row(String out, String path) {
        return out.lines().map(String::strip).map(l -> l.split("\\s+"))
                .filter(f -> f.length >= 10 && f[0].equals("2") && f[1].equals(path))
                .findFirst().orElseThrow(() -> new AssertionError("no row for " + path + " in:\n" + out));
    }
}
