package dev.hearth.jobs.store;

import dev.hearth.jobs.HistoryEntry;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.Orphans;
import dev.hearth.QueueFullException;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.StaleJobException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.hearth.jobs.JobState.*;
import static dev.hearth.jobs.store.JobStoreContract.LEASE;
import static dev.hearth.jobs.store.JobStoreContract.NO_LIMIT;
import static dev.hearth.jobs.store.JobStoreContract.T0;
import static dev.hearth.jobs.store.JobStoreContract.job;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The racing half of {@link JobStoreContract}, kept in its own file for length: real threads and,
 * where it matters, two stores on one database standing in for two Hearth nodes. Barriers, not
 * sleeps, line the racers up.
 */
interface JobStoreConcurrencyContract {
    JobStore store();

    /** A store for another node on the same database, closed after the test. */
    JobStore open(String node);

    JobStore track(JobStore s);

    Job running(String model);

    @Test
    default void transition_letsExactlyOneWin_whenTwoThreadsRace() throws Exception {
        Job r = running("wan");
        CyclicBarrier bothRead = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Job>> results = new ArrayList<>();
            for (JobState to : List.of(SUCCEEDED, CANCELLING)) {
                results.add(pool.submit(() -> store().transition(r.id(), RUNNING, to, j -> {
                    await(bothRead); // both have read version v before either writes
                    return j;
                }, "race", T0)));
            }
            int won = 0, stale = 0;
            for (Future<Job> f : results) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                    won++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(StaleJobException.class);
                    stale++;
                }
            }
            assertThat(won).isEqualTo(1);
            assertThat(stale).isEqualTo(1);
            assertThat(store().get(r.id()).orElseThrow().version()).isEqualTo(r.version() + 1);
            assertThat(store().history(r.id())).hasSize(3);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    default void claimNext_claimsEveryJobExactlyOnce_whenFourThreadsOnTwoNodesRace() throws Exception {
        int jobs = 200;
        for (int i = 0; i < jobs; i++) store().insert(job(i % 2 == 0 ? "wan" : "ltx", i % 3, T0), NO_LIMIT);
        JobStore other = track(open("node-b"));
        Map<String, String> claimedBy = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<String> duplicates = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                JobStore s = w % 2 == 0 ? store() : other;
                String name = "worker-" + w;
                workers.add(pool.submit(() -> {
                    Optional<Job> j;
                    while ((j = s.claimNext(List.of("wan", "ltx"), name, LEASE, T0)).isPresent()) {
                        if (claimedBy.putIfAbsent(j.get().id(), name) != null) duplicates.add(j.get().id());
                    }
                }));
            }
            for (Future<?> f : workers) f.get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(duplicates).isEmpty();
        assertThat(claimedBy).hasSize(jobs);
        assertThat(store().queuedCount("wan") + store().queuedCount("ltx")).isZero();
        assertThat(store().list(JobQuery.newest(JobQuery.MAX_LIMIT).states(Set.of(RUNNING)))).hasSize(jobs);
    }

    @Test
    default void insert_admitsExactlyMaxQueue_whenEightThreadsInsertAtOnce() throws Exception {
        JobStore other = track(open("node-b"));
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                JobStore s = i % 2 == 0 ? store() : other;
                tasks.add(pool.submit(() -> {
                    try {
                        s.insert(job("wan", 0, T0), 10);
                        admitted.incrementAndGet();
                    } catch (QueueFullException e) {
                        refused.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : tasks) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(admitted).hasValue(10);
        assertThat(refused).hasValue(30);
        assertThat(store().queuedCount("wan")).isEqualTo(10);
    }

    @Test
    default void reap_changesEachJobOnce_whenTwoReapersRunAtOnce() throws Exception {
        for (int i = 0; i < 20; i++) running("wan");
        JobStore other = track(open("node-b"));
        Instant late = T0.plus(LEASE).plusSeconds(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<List<Job>> a = pool.submit(() -> Orphans.reap(store(), late));
            Future<List<Job>> b = pool.submit(() -> Orphans.reap(other, late));
            assertThat(a.get(60, TimeUnit.SECONDS).size() + b.get(60, TimeUnit.SECONDS).size()).isEqualTo(20);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().queuedCount("wan")).isEqualTo(20);
        assertThat(store().list(JobQuery.newest(100))).allSatisfy(j -> {
            assertThat(j.attempts().count()).isEqualTo(1);
            assertThat(store().history(j.id())).extracting(HistoryEntry::to).containsExactly(QUEUED, RUNNING, QUEUED);
        });
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
