package dev.hearth.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PairedRatioTest {

    @Test
    void of_threeRounds_geometricMeanAndStudentsInterval() {
        // ratios 1.1, 0.9, 1.0: log mean −0.00335, standard error 0.0580, t(0.975, 2) = 4.303
        PairedRatio r = PairedRatio.of(new double[] {110, 90, 100}, new double[] {100, 100, 100});

        assertThat(r.mean()).isCloseTo(0.99665, within(1e-4));
        assertThat(r.low()).isCloseTo(0.77666, within(1e-4));
        assertThat(r.high()).isCloseTo(1.27892, within(1e-4));
    }

    @Test
    void of_roundsSteadilyBelow_intervalBelowOne() {
        PairedRatio r = PairedRatio.of(new double[] {97, 98, 97.5, 98, 97}, new double[] {100, 100, 100, 100, 100});

        assertThat(r.high()).isLessThan(1);
        assertThat(r.low()).isGreaterThan(0.96);
    }

    @Test
    void of_sameRatioEveryRound_intervalIsThatRatio() {
        PairedRatio r = PairedRatio.of(new double[] {50, 100}, new double[] {100, 200});

        assertThat(r.low()).isCloseTo(0.5, within(1e-12));
        assertThat(r.high()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void of_manyRounds_usesTheTQuantileBeyondTheTable() {
        // 41 rounds, log ratios ±0.1 in turn and one 0: mean 0, standard deviation 0.1, so the interval's
        // half-width is t(0.975, 40) · 0.1 / √41, with t(0.975, 40) = 2.021 from the tables
        double[] a = new double[41];
        double[] b = new double[41];
        for (int i = 0; i < 41; i++) {
            a[i] = i == 40 ? 1 : Math.exp(i % 2 == 0 ? 0.1 : -0.1);
            b[i] = 1;
        }
        double sd = Math.sqrt(40 * 0.01 / 40);
        PairedRatio r = PairedRatio.of(a, b);

        assertThat(Math.log(r.high())).isCloseTo(2.021 * sd / Math.sqrt(41), within(2e-4));
    }

    @Test
    void of_roundWithoutRate_isRefused() {
        assertThatThrownBy(() -> PairedRatio.of(new double[] {1, 0}, new double[] {1, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("round 2");
    }
}
