package dev.hearth.jobs;

/**
 * The dispatcher's "enhance" stage: a claimed job that asked for the prompt enhancer gets its
 * prompt rewritten before its worker sees it. It runs after the claim, so the job API answered at
 * once and the job shows {@code running}, stage {@code enhance}, while the LLM loads and writes (the
 * dispatcher heart-beats the claim meanwhile). It runs before the video model's lease is taken:
 * holding that lease while asking for the chat model nested two leases, so with {@code exclusive: true}
 * or a budget that fits one of the two every enhanced job waited for {@code queue_timeout} and failed.
 * The rewrite is stored before the video model is asked for, so a job requeued after it (a crash, a
 * restart, no capacity yet) is not rewritten again ({@link PromptEnhancer#pending}).
 *
 * @param enhancerModel the chat model for this job model, or null when none is configured
 */
record PromptStep(JobTransitions transitions, PromptEnhancer enhancer, String enhancerModel,
                  String instructions) {

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
        Job enhancing = transitions.progress(job, new Job.Progress(0, "enhance", 0, 0));
        String enhanced;
        try {
            enhanced = enhancer.enhance(enhancerModel, instructions, job.prompt());
        } catch (PromptEnhancer.EnhancerException e) {
            return end(job, e.getMessage());
        }
        Job now = transitions.promptEnhanced(enhancing != null ? enhancing : job, enhanced);
        return now != null && now.state() == JobState.RUNNING ? now : end(job, null);
    }

    /** Fails the job (or, when a cancel came meanwhile, cancels it); null to tell the dispatcher it is over. */
    private Job end(Job job, String failure) {
        transitions.change(job.id(), now -> {
            if (!now.state().leased()) return null;
            if (now.state() == JobState.CANCELLING) {
                return new JobTransitions.Move(JobState.CANCELLED, null,
                        "cancelled by request while the prompt was enhanced");
            }
            return failure == null ? null : new JobTransitions.Move(JobState.FAILED,
                    j -> j.withError("enhancer_failed", failure), "enhancer_failed: " + failure);
        });
        return null;
    }
}
