package dev.hearth.jobs;

import dev.hearth.HearthException;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The dispatcher's "enhance" stage: a claimed job that asked for the prompt enhancer gets its
 * prompt rewritten before its worker sees it. It runs after the claim, so the job API answered at
 * once and the job shows {@code running}, stage {@code enhance}, while the LLM loads and writes; the
 * claim is heart-beaten meanwhile (loading an LLM can outlast the job lease). The video model's
 * lease is held throughout, so the enhancer must fit the budget beside it (idle models are evicted
 * for it). A retried job whose prompt was already rewritten is not rewritten again.
 *
 * @param enhancerModel the chat model for this job model, or null when none is configured
 */
record PromptStep(JobContext ctx, PromptEnhancer enhancer, String enhancerModel, String instructions) {

    /**
     * @return the job to run, with its new prompt; null when it ended here (failed {@code enhancer_failed},
     *         or cancelled while the enhancer ran)
     */
    Job apply(Job job) throws InterruptedException {
        if (!PromptEnhancer.pending(job)) return job;
        if (enhancerModel == null) {
            return end(job, "No prompt enhancer is configured for model '" + job.model() + "' (server.prompt_enhancer)."
                    + " The job asked for one when it was submitted.");
        }
        if (ctx.store().updateProgress(job.id(), 0, "enhance", 0, 0, ctx.now())) ctx.publish(job.id());
        long every = ctx.heartbeatEvery().toMillis();
        ScheduledFuture<?> beat = ctx.timer().scheduleAtFixedRate(() -> {
            try {
                ctx.store().heartbeat(job.id(), ctx.store().node(), ctx.lease(), ctx.now());
            } catch (RuntimeException e) {
                // a failed beat must not end the schedule (a throwing task is never run again); the next one retries
            }
        }, every, every, TimeUnit.MILLISECONDS);
        String enhanced;
        try {
            enhanced = enhancer.enhance(enhancerModel, instructions, job.prompt());
        } catch (PromptEnhancer.EnhancerException e) {
            return end(job, e.getMessage());
        } finally {
            beat.cancel(false);
        }
        ctx.store().updatePrompt(job.id(), enhanced, job.originalPrompt(), ctx.now());
        Job now = ctx.store().get(job.id()).orElse(null);
        if (now == null || now.state() != JobState.RUNNING) return end(now, null);
        ctx.events().publish(now);
        return now;
    }

    /** Fails the job (or, when a cancel came meanwhile, cancels it); null to tell the dispatcher it is over. */
    private Job end(Job job, String failure) {
        if (job == null) return null;
        for (int i = 0; i < 5; i++) {
            Job now = ctx.store().get(job.id()).orElse(null);
            if (now == null || !now.state().leased()) return null;
            boolean cancel = now.state() == JobState.CANCELLING;
            if (!cancel && failure == null) return null;
            try {
                ctx.events().publish(cancel
                        ? ctx.store().transition(now.id(), now.state(), JobState.CANCELLED, null,
                                "cancelled by request while the prompt was enhanced", ctx.now())
                        : ctx.store().transition(now.id(), now.state(), JobState.FAILED,
                                j -> j.withError("enhancer_failed", failure), "enhancer_failed: " + failure, ctx.now()));
                return null;
            } catch (StaleJobException | IllegalTransitionException e) {
                // a cancel or heartbeat changed it meanwhile: read again
            } catch (HearthException e) {
                return null;
            }
        }
        return null;
    }
}
