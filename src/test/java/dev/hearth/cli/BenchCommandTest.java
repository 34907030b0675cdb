package dev.hearth.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {

    @Test
    void roundsSpread_showsEachRoundsRatio_andHowOftenHearthKeptUp() {
        String spread = BenchCommand.roundsSpread(new double[] {60, 66, 64}, new double[] {62, 64, 64});

        assertThat(spread).isEqualTo("rounds 0.97–1.03x, Hearth ≥ nginx in 2 of 3");
    }
}
