package dev.hearth.scheduler;

import java.time.Instant;

/**
 * What a lease request stands for when it is more than itself: the job dispatcher asks one lease
 * for all of its model's queued jobs, {@code count} of them, the oldest submitted at
 * {@code oldest}. The scheduler orders models by that age (rule 7), so a job's wait counts from
 * its submission, not from the dispatcher's latest attempt.
 */
public record Demand(Instant oldest, int count) {
}
