package dev.hearth.config;

import java.time.Duration;

/**
 * How a model shares the machine with the others when they cannot all be loaded at once
 * (DESIGN.md scheduler rule 7). A swap costs tens of seconds (vLLM) to minutes (a video model), so
 * Hearth keeps serving a loaded model that is in use while what waits for another model is younger
 * than that model's {@code maxWait}; then it switches to the model whose oldest waiting item is
 * oldest.
 *
 * @param maxWait      how long a request or job of this model may wait for the loaded models to keep
 *                     serving their own users before Hearth makes room for it
 * @param minResidency once loaded, the model is not swapped out for another model's demand before
 *                     this (idle unload and manual unload still apply)
 * @param gpus         which GPUs it runs on (rule 9)
 * @param sleep        (rule 10) 1 or 2: put to sleep instead of stopped when its memory is needed
 *                     (vLLM's sleep mode at that level); 0 = it cannot sleep
 */
public record Sharing(Duration maxWait, Duration minResidency, Gpus gpus, int sleep) {
    /** Interactive models: a user notices seconds. */
    public static final Sharing REQUESTS = new Sharing(Defaults.MAX_WAIT, Defaults.MIN_RESIDENCY);
    /** Job models (video, transcription): a job runs for minutes and its model takes minutes to load. */
    public static final Sharing JOBS = new Sharing(Defaults.MAX_WAIT_JOBS, Defaults.MIN_RESIDENCY);

    public Sharing(Duration maxWait, Duration minResidency) {
        this(maxWait, minResidency, Gpus.ANY_ONE, 0);
    }

    public Sharing(Duration maxWait, Duration minResidency, Gpus gpus) {
        this(maxWait, minResidency, gpus, 0);
    }

    public Sharing {
        gpus = gpus == null ? Gpus.ANY_ONE : gpus;
    }
}
