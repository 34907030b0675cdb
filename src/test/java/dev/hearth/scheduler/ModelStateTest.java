package dev.hearth.scheduler;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Stream;

import static dev.hearth.scheduler.ModelState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every (from, to) pair of the lifecycle, allowed or not (STYLE rule 4). */
class ModelStateTest {

    private static final Set<String> ALLOWED = Set.of(
            "UNLOADED>LOADING",
            "LOADING>READY", "LOADING>FAILED",
            "READY>BUSY", "READY>UNLOADING", "READY>FAILED", "READY>SLEEPING",
            "BUSY>READY", "BUSY>UNLOADING", "BUSY>FAILED",
            "UNLOADING>UNLOADED",
            "FAILED>LOADING", "FAILED>UNLOADED",
            "SLEEPING>ASLEEP", "SLEEPING>UNLOADING", "SLEEPING>FAILED",
            "ASLEEP>LOADING", "ASLEEP>UNLOADING", "ASLEEP>FAILED");

    static Stream<Arguments> everyPair() {
        return Arrays.stream(values()).flatMap(from -> Arrays.stream(values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("everyPair")
    void canMoveTo_matchesTheTable_forEveryPair(ModelState from, ModelState to) {
        boolean allowed = ALLOWED.contains(from + ">" + to);
        assertThat(from.canMoveTo(to)).isEqualTo(allowed);
        ModelSlot slot = slotIn(from);
        if (allowed) {
            slot.moveTo(to);
            assertThat(slot.state()).isEqualTo(to);
        } else {
            assertThatThrownBy(() -> slot.moveTo(to)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(from + " -> " + to);
            assertThat(slot.state()).isEqualTo(from);
        }
    }

    /** A slot walked into {@code state} along allowed moves only. */
    private static ModelSlot slotIn(ModelState state) {
        ModelSlot slot = new ModelSlot(Specs.model("m", Specs.GIB).build(),
                Specs.config().server());
        ModelState[] path = switch (state) {
            case UNLOADED -> new ModelState[0];
            case LOADING -> new ModelState[]{LOADING};
            case READY -> new ModelState[]{LOADING, READY};
            case BUSY -> new ModelState[]{LOADING, READY, BUSY};
            case UNLOADING -> new ModelState[]{LOADING, READY, UNLOADING};
            case FAILED -> new ModelState[]{LOADING, FAILED};
            case SLEEPING -> new ModelState[]{LOADING, READY, SLEEPING};
            case ASLEEP -> new ModelState[]{LOADING, READY, SLEEPING, ASLEEP};
        };
        for (ModelState step : path) {
            slot.moveTo(step);
        }
        return slot;
    }
}
