package dev.hearth.observe;

import java.util.function.Consumer;

/**
 * Hearth's one event bus: model events and job events, to the subscribers of one key (a job's id)
 * or of every key of a topic ({@code /api/events}).
 *
 * <p>Publishers are owner threads (the scheduler's, a job's): a subscriber must hand the event on
 * and return, never block; a failing subscriber is logged and skipped, never the publisher's
 * problem. Events of one key reach a subscriber in the order its publisher published them.
 *
 * <p>The seam for several nodes: {@link LocalEventBus} delivers what this process publishes; a bus
 * across nodes (PostgreSQL LISTEN/NOTIFY on the topic's name, the key as payload, the receiving
 * node turning the key into its event, a job re-read from the shared store) implements this same
 * interface, so publishers and subscribers do not change.
 */
public interface EventBus {

    /** Tells the subscribers of {@code key} and of the whole topic; returns once they have been called. */
    <T> void publish(Topic<T> topic, String key, T event);

    /**
     * @param key one key's events (a job id), or null for every event of the topic
     * @return closing it stops the calls; closing twice does nothing
     */
    <T> Subscription subscribe(Topic<T> topic, String key, Consumer<? super T> subscriber);

    /** A subscription; {@link #close} does not throw. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
