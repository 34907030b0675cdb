package dev.hearth.cli;

/**
 * The ratio of two paths' rates over paired rounds (each round runs both back to back, so what the
 * machine does meanwhile falls on both alike): the geometric mean of the rounds' ratios and its 95 %
 * confidence interval (Student's t on the logarithms). An interval that holds 1 is a difference this
 * run cannot tell from the machine's own noise.
 *
 * @param mean the geometric mean of the rounds' ratios
 * @param low  the interval's lower end (equal to {@code mean} with fewer than two rounds)
 * @param high the interval's upper end
 */
record PairedRatio(double mean, double low, double high) {
    /** t(0.975, df) for df 1–30; past 30, Cornish–Fisher's first term from the normal's 1.96 (within 0.2 %). */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    /** {@code a[i] / b[i]} over the rounds {@code i}; both arrays as long, every rate above 0. */
    static PairedRatio of(double[] a, double[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("paired rounds: " + a.length + " against " + b.length);
        }
        int n = a.length;
        double[] logs = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (!(a[i] > 0) || !(b[i] > 0)) {
                throw new IllegalArgumentException("round " + (i + 1) + " has no rate: " + a[i] + " against " + b[i]);
            }
            logs[i] = Math.log(a[i] / b[i]);
            sum += logs[i];
        }
        double mean = sum / n;
        if (n == 1) {
            return new PairedRatio(Math.exp(mean), Math.exp(mean), Math.exp(mean));
        }
        double squares = 0;
        for (double l : logs) {
            squares += (l - mean) * (l - mean);
        }
        double half = t975(n - 1) * Math.sqrt(squares / (n - 1) / n);
        return new PairedRatio(Math.exp(mean), Math.exp(mean - half), Math.exp(mean + half));
    }

    /**
     * The rounds' ratios {@code a[i] / b[i]}: the lowest, the highest, how many were at least 1, and
     * their paired mean, null when a round had no rate to divide (a round without answers).
     */
    record Rounds(double min, double max, int atLeastOne, int count, PairedRatio paired) {}

    /** {@link Rounds} of {@code a[i] / b[i]}; both arrays as long. */
    static Rounds rounds(double[] a, double[] b) {
        double min = Double.MAX_VALUE, max = 0;
        int atLeastOne = 0;
        for (int i = 0; i < a.length; i++) {
            double ratio = a[i] / b[i];
            min = Math.min(min, ratio);
            max = Math.max(max, ratio);
            if (ratio >= 1) atLeastOne++;
        }
        boolean everyRoundHasARate = min > 0 && max < Double.POSITIVE_INFINITY;
        return new Rounds(min, max, atLeastOne, a.length, everyRoundHasARate ? of(a, b) : null);
    }

    private static double t975(int df) {
        double z = 1.959964;
        return df <= T975.length ? T975[df - 1] : z + (z * z * z + z) / (4.0 * df);
    }
}
