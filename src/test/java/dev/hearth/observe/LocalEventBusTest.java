package dev.hearth.observe;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalEventBusTest {
    record Note(String key, int n) {}

    static final Topic<Note> NOTES = new Topic<>("note", Note.class);
    static final Topic<String> WORDS = new Topic<>("word", String.class);

    final LocalEventBus bus = new LocalEventBus();

    void publish(Note n) {
        bus.publish(NOTES, n.key(), n);
    }

    @Test
    void LocalEventBus_deliversOneKeysEvents_toItsSubscribers_andEveryEvent_toTheTopics() {
        List<Note> ofA = new ArrayList<>();
        List<Note> all = new ArrayList<>();
        List<String> words = new ArrayList<>();
        bus.subscribe(NOTES, "a", ofA::add);
        bus.subscribe(NOTES, null, all::add);
        bus.subscribe(WORDS, null, words::add);

        publish(new Note("a", 1));
        publish(new Note("b", 2));
        publish(new Note("a", 3));

        assertThat(ofA).extracting(Note::n).containsExactly(1, 3);
        assertThat(all).extracting(Note::n).containsExactly(1, 2, 3);
        assertThat(words).isEmpty();
    }

    @Test
    void LocalEventBus_stopsCalling_aClosedSubscription_andForgetsIt() {
        List<Note> seen = new ArrayList<>();
        EventBus.Subscription sub = bus.subscribe(NOTES, "a", seen::add);
        EventBus.Subscription same = bus.subscribe(NOTES, "a", seen::add); // the same consumer twice: two subscriptions
        publish(new Note("a", 1));
        sub.close();
        sub.close();
        publish(new Note("a", 2));
        same.close();
        publish(new Note("a", 3));

        assertThat(seen).extracting(Note::n).containsExactly(1, 1, 2);
        assertThat(bus.subscriptions()).isZero();
    }

    @Test
    void LocalEventBus_callsTheOtherSubscribers_whenOneFails() {
        List<Note> seen = new ArrayList<>();
        bus.subscribe(NOTES, null, n -> { throw new IllegalStateException("broken subscriber"); });
        bus.subscribe(NOTES, null, seen::add);

        publish(new Note("a", 1));

        assertThat(seen).hasSize(1);
    }

    @Test
    void LocalEventBus_refusesAnEvent_ofAnotherType_thanItsTopics() {
        @SuppressWarnings({"unchecked", "rawtypes"}) Topic<Object> raw = (Topic) NOTES;
        assertThatThrownBy(() -> bus.publish(raw, "a", "not a note")).isInstanceOf(IllegalArgumentException.class);
    }
}
