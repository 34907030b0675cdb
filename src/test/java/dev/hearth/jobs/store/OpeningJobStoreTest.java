package dev.hearth.jobs.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job store Hearth listens beside while it opens: calls wait for it, and fail as its opening failed. */
class OpeningJobStoreTest {
    @TempDir
    Path dir;

    @Test
    void aCall_waitsForTheStore_thenAnswersFromIt() {
        CompletableFuture<JobStore> opening = new CompletableFuture<>();
        OpeningJobStore store = new OpeningJobStore(opening);
        CompletableFuture<Integer> queued = CompletableFuture.supplyAsync(() -> store.queuedCount("m"));
        assertThat(queued).isNotDone();

        opening.complete(JobStores.openSqlite(dir.resolve("jobs.db"), "node-1"));

        assertThat(queued.join()).isZero();
        assertThat(store.node()).isEqualTo("node-1");
        assertThat(store.list(JobQuery.newest(10))).isEmpty();
        store.close();
    }

    @Test
    void aCall_throwsWhatTheOpeningThrew_unwrapped() {
        IllegalStateException why = new IllegalStateException("database locked");
        OpeningJobStore store = new OpeningJobStore(CompletableFuture.failedFuture(why));

        assertThatThrownBy(() -> store.get("j_1")).isSameAs(why);
        store.close(); // nothing to close
    }

    @Test
    void open_opensTheDatabaseOfTheConfig_onAnotherThread() {
        OpeningJobStore store = OpeningJobStore.open("sqlite", dir);

        assertThat(store.queued("m").count()).isZero();
        assertThat(dir.resolve("jobs.db")).exists();
        store.close();
    }
}
