package dev.hearth.observe;

import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** The {@link EventBus} of one process: subscribers are called on the publisher's thread. */
public final class LocalEventBus implements EventBus {
    private static final System.Logger LOG = System.getLogger("hearth.events");
    /** (topic, key) → its subscribers, key null for the whole topic's; a channel without subscribers has no entry. */
    private final Map<Channel, Set<Consumer<Object>>> subscribers = new ConcurrentHashMap<>();

    private record Channel(Topic<?> topic, String key) {}

    @Override
    public <T> void publish(Topic<T> topic, String key, T event) {
        if (!topic.type().isInstance(event)) {
            throw new IllegalArgumentException(topic.name() + " carries " + topic.type().getSimpleName() + ", not " + event);
        }
        deliver(new Channel(topic, Objects.requireNonNull(key, "key")), event);
        deliver(new Channel(topic, null), event);
    }

    private void deliver(Channel channel, Object event) {
        Set<Consumer<Object>> set = subscribers.get(channel);
        if (set == null) return;
        for (Consumer<Object> c : set) {
            try {
                c.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, channel.topic().name() + " subscriber failed: " + e);
            }
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Subscription subscribe(Topic<T> topic, String key, Consumer<? super T> subscriber) {
        Channel channel = new Channel(topic, key);
        Consumer<Object> c = e -> subscriber.accept((T) e); // a distinct object per subscription
        subscribers.computeIfAbsent(channel, k -> ConcurrentHashMap.newKeySet()).add(c);
        return () -> subscribers.computeIfPresent(channel, (k, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    /** How many subscriptions are open, for tests that check a stream let go of its own. */
    public int subscriptions() {
        return subscribers.values().stream().mapToInt(Set::size).sum();
    }
}
