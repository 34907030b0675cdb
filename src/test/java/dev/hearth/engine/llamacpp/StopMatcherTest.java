package dev.hearth.engine.llamacpp;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StopMatcherTest {

    @Test
    void stop_isFound_whenItSpansTokens_andNotEmitted() {
        StopMatcher m = new StopMatcher(List.of("The End"));
        StringBuilder out = new StringBuilder();
        for (String token : List.of("and they lived", " happily. The", " E", "nd", " more")) {
            out.append(m.feed(token));
            if (m.stopped()) {
                break;
            }
        }
        assertThat(m.stopped()).isTrue();
        assertThat(out).hasToString("and they lived happily. ");
    }

    @Test
    void heldBackText_isReleased_whenTheNextTokenBreaksThePrefix() {
        StopMatcher m = new StopMatcher(List.of("\n\n"));
        assertThat(m.feed("one\n")).isEqualTo("one");
        assertThat(m.feed("two")).isEqualTo("\ntwo");
        assertThat(m.feed("\n")).isEmpty();
        assertThat(m.flush()).isEqualTo("\n");
        assertThat(m.stopped()).isFalse();
    }

    @Test
    void earliestStop_wins_amongSeveral() {
        StopMatcher m = new StopMatcher(List.of("cat", "dog"));
        assertThat(m.feed("a dog and a cat")).isEqualTo("a ");
        assertThat(m.stopped()).isTrue();
        assertThat(m.feed("more")).isEmpty();
    }

    @Test
    void noStops_passesEverythingThrough() {
        StopMatcher m = new StopMatcher(List.of());
        assertThat(m.feed("abc")).isEqualTo("abc");
        assertThat(m.flush()).isEmpty();
    }
}
