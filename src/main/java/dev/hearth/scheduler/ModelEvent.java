package dev.hearth.scheduler;

import dev.hearth.observe.Topic;

import java.time.Instant;
import java.util.Locale;

/**
 * Something that happened to a model, for /api/events and metrics. Published by the scheduler
 * thread in the order things happened.
 *
 * @param reason why an engine is being stopped (UNLOADING, UNLOADED), else null
 * @param detail words for a person: the error, or which model an eviction made room for; may be null
 */
public record ModelEvent(Instant at, String model, Type type, StopReason reason, long memoryBytes, String detail) {
    /** Model events on the event bus, keyed by the model's name. */
    public static final Topic<ModelEvent> TOPIC = new Topic<>("model", ModelEvent.class);

    public enum Type {
        LOADING, READY, LOAD_FAILED,
        /** (7) Serving its last requests, taking no new ones: another model's work waited past its max_wait. */
        DRAINING,
        UNLOADING, UNLOADED, CRASHED,
        /** (10) Being put to sleep to make room (reason and detail say why, and the level). */
        SLEEPING,
        /** (10) Asleep: its memory is free, its process waits to be woken. */
        ASLEEP,
        /** (8) Its engine's real footprint, in memoryBytes; the detail says when it exceeds the declared memory. */
        MEASURED;

        public String wire() { return name().toLowerCase(Locale.ROOT); }
    }
}
