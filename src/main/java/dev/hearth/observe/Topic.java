package dev.hearth.observe;

/**
 * A kind of event on the {@link EventBus}: its name (the channel a bus across nodes would use) and
 * the type of its events. The package that publishes a kind owns its topic ({@code ModelEvent.TOPIC},
 * {@code Job.TOPIC}), so this package knows neither.
 */
public record Topic<T>(String name, Class<T> type) {
    public Topic {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a topic needs a name");
    }
}
