package dev.hearth.jobs.store;

import dev.hearth.jobs.Job;
import dev.hearth.jobs.JobState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static dev.hearth.jobs.store.JobStoreContract.NO_LIMIT;
import static dev.hearth.jobs.store.JobStoreContract.T0;
import static dev.hearth.jobs.store.JobStoreContract.job;
import static org.assertj.core.api.Assertions.assertThat;

/** Job owners (the API key's name that made a job) in {@link JobStoreContract}, kept apart for length. */
interface JobStoreOwnerContract {
    JobStore store();

    @Test
    default void owner_isStoredWithTheJob_andTheListKeepsOneOwnersJobs() {
        Job alice = store().insert(job("wan", 0, T0).withOwner("alice"), NO_LIMIT);
        Job bob = store().insert(job("wan", 0, T0.plusMillis(1)).withOwner("bob"), NO_LIMIT);
        Job local = store().insert(job("wan", 0, T0.plusMillis(2)), NO_LIMIT);

        assertThat(store().get(alice.id()).orElseThrow().owner()).isEqualTo("alice");
        assertThat(store().get(local.id()).orElseThrow().owner()).isNull();
        assertThat(ids(store().list(JobQuery.newest(10).ownedBy("bob")))).containsExactly(bob.id());
        assertThat(ids(store().list(JobQuery.newest(10).ownedBy("alice").states(Set.of(JobState.QUEUED)))))
                .containsExactly(alice.id());
        assertThat(ids(store().list(JobQuery.newest(10)))).containsExactly(local.id(), bob.id(), alice.id());
        // a state change keeps the owner
        store().transition(alice.id(), JobState.QUEUED, JobState.CANCELLED, null, "test", T0);
        assertThat(store().get(alice.id()).orElseThrow().owner()).isEqualTo("alice");
    }

    private static List<String> ids(List<Job> jobs) { return jobs.stream().map(Job::id).toList(); }
}
