package dev.hearth.jobs;

import dev.hearth.observe.EventBus;

import java.util.function.Consumer;

/**
 * Job changes on the event bus ({@link Job#TOPIC}); {@link JobTransitions} calls {@link #publish}
 * after each change it stores.
 */
final class JobEvents {
    private final EventBus bus;

    JobEvents(EventBus bus) {
        this.bus = bus;
    }

    /** One job's changes; {@code id} null for every job's. */
    EventBus.Subscription subscribe(String id, Consumer<Job> onChange) {
        return bus.subscribe(Job.TOPIC, id, onChange);
    }

    /** Listeners must hand the job on and return (an SSE stream offers it to its own queue). */
    void publish(Job job) {
        bus.publish(Job.TOPIC, job.id(), job);
    }
}
