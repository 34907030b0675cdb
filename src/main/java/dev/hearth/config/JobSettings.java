package dev.hearth.config;

import java.time.Duration;

/**
 * How the job dispatcher treats one job model.
 *
 * @param stallTimeout   a worker silent this long during a job is killed; the job fails as {@code stalled}
 * @param cancelGrace    how long a worker may take to answer {@code cancel} before it is killed
 * @param maxAttempts    attempts a job gets when its node dies or its worker crashes
 * @param secondsPerUnit the ETA's prior: seconds per unit of work (frames × steps) until jobs of the
 *                       model have finished and taught a measured value; null = no ETA until then
 * @param promptEnhancer the chat model rewriting this model's prompts when a job asks: null = the server's
 *                       {@code prompt_enhancer}, {@link #NO_ENHANCER} = none for this model
 * @param limits         what the model's worker accepts, declared under {@code limits:}: checked at submit,
 *                       before the model loads ({@link JobLimits#NONE} = nothing declared)
 */
public record JobSettings(Duration stallTimeout, Duration cancelGrace, int maxAttempts, Double secondsPerUnit,
                          String promptEnhancer, JobLimits limits) {
    public static final String NO_ENHANCER = "none";
    public static final JobSettings DEFAULTS = new JobSettings(Duration.ofMinutes(10), Duration.ofSeconds(30), 3, null);

    public JobSettings(Duration stallTimeout, Duration cancelGrace, int maxAttempts, Double secondsPerUnit) {
        this(stallTimeout, cancelGrace, maxAttempts, secondsPerUnit, null);
    }

    public JobSettings(Duration stallTimeout, Duration cancelGrace, int maxAttempts, Double secondsPerUnit,
                       String promptEnhancer) {
        this(stallTimeout, cancelGrace, maxAttempts, secondsPerUnit, promptEnhancer, JobLimits.NONE);
    }

    public JobSettings {
        limits = limits == null ? JobLimits.NONE : limits;
    }
}
