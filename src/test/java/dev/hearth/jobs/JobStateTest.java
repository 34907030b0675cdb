package dev.hearth.jobs;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static dev.hearth.jobs.JobState.*;
import static org.assertj.core.api.Assertions.assertThat;

class JobStateTest {
    /** DESIGN.md "Job states", spelled out pair by pair so a change to the table is a visible diff. */
    private static final Set<String> ALLOWED = Set.of(
            "queued>running", "queued>cancelled", "queued>failed",
            "running>succeeded", "running>failed", "running>cancelling", "running>queued",
            "cancelling>cancelled", "cancelling>failed", "cancelling>succeeded");

    @Test
    void canMoveTo_matchesTheTable_forEveryPair() {
        int checked = 0;
        for (JobState from : values()) {
            for (JobState to : values()) {
                assertThat(from.canMoveTo(to)).as(from + " → " + to).isEqualTo(ALLOWED.contains(from + ">" + to));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(36);
    }

    @Test
    void terminal_isTrue_exactlyForFinishedStates() {
        assertThat(Set.of(values())).filteredOn(JobState::terminal).containsExactlyInAnyOrder(SUCCEEDED, FAILED, CANCELLED);
        assertThat(Set.of(values())).filteredOn(JobState::leased).containsExactlyInAnyOrder(RUNNING, CANCELLING);
    }

    @Test
    void wire_roundTrips_asLowerCase() {
        for (JobState s : values()) assertThat(JobState.fromWire(s.wire())).isEqualTo(s);
        assertThat(CANCELLING.wire()).isEqualTo("cancelling");
    }
}
