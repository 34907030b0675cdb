package dev.hearth.jobs.store;

import dev.hearth.jobs.Dialect;
import dev.hearth.jobs.HistoryEntry;
import dev.hearth.jobs.IllegalTransitionException;
import dev.hearth.jobs.Job;
import dev.hearth.jobs.Orphans;
import dev.hearth.jobs.JobNotFoundException;
import dev.hearth.jobs.JobOutput;
import dev.hearth.QueueFullException;
import dev.hearth.jobs.JobState;
import dev.hearth.jobs.StaleJobException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import static dev.hearth.jobs.JobState.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link JobStore} must do. Each implementation's test extends this and opens stores
 * on a fresh database; time is injected, never slept on.
 */
abstract class JobStoreContract implements JobStoreConcurrencyContract, JobStoreOwnerContract {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration LEASE = Duration.ofSeconds(30);
    static final int NO_LIMIT = Integer.MAX_VALUE;

    JobStore store;
    private final List<JobStore> opened = new ArrayList<>();

    /** A store for {@code node} on this test's database; called more than once it shares the database. */
    @Override
    public abstract JobStore open(String node);

    @BeforeEach
    void openStore() { store = track(open("node-a")); }

    @AfterEach
    void closeStores() {
        opened.forEach(JobStore::close);
        opened.clear();
    }

    @Override
    public JobStore store() { return store; }

    @Override
    public JobStore track(JobStore s) { opened.add(s); return s; }

    static Job job(String model, int priority, Instant created) {
        return Job.create(model, "t2v", Dialect.NATIVE, "{\"seed\":1}", Map.of(), priority, 3, "a cat", created);
    }

    Job queued(String model) { return store.insert(job(model, 0, T0), NO_LIMIT); }

    /** A job claimed by node-a; its top priority makes sure the claim takes this one. */
    @Override
    public Job running(String model) {
        Job j = store.insert(job(model, Integer.MAX_VALUE, T0), NO_LIMIT);
        return store.claimNext(List.of(model), "node-a", LEASE, T0).filter(c -> c.id().equals(j.id())).orElseThrow();
    }

    @Test
    void insert_storesJobAndCreationHistory_whenNew() {
        Job j = Job.create("wan", "i2v", Dialect.LIGHTX2V, "{\"steps\":30}", Map.of("image", "/data/in/x.png"),
                5, 2, "a fluffy cat", T0).withEnhancedPrompt("an enhanced fluffy cat");
        store.insert(j, NO_LIMIT);
        assertThat(store.get(j.id())).contains(j);
        assertThat(store.history(j.id())).singleElement().satisfies(h -> {
            assertThat(h.from()).isNull();
            assertThat(h.to()).isEqualTo(QUEUED);
            assertThat(h.node()).isEqualTo("node-a");
        });
    }

    @Test
    void get_returnsEmpty_whenIdUnknown() {
        assertThat(store.get("j_nope")).isEmpty();
    }

    @Test
    void insert_refusesWith429AndRetryAfter_whenModelHasMaxQueueQueuedJobs() {
        store.insert(job("wan", 0, T0), 2);
        store.insert(job("wan", 0, T0), 2);
        assertThatThrownBy(() -> store.insert(job("wan", 0, T0), 2))
                .isInstanceOfSatisfying(QueueFullException.class, e -> {
                    assertThat(e.status()).isEqualTo(429);
                    assertThat(e.retryAfterSeconds()).isPositive();
                    assertThat(e.getMessage()).contains("wan").contains("max_queue");
                });
        store.insert(job("ltx", 0, T0), 2); // another model's queue is its own
        store.claimNext(List.of("wan"), "node-a", LEASE, T0);
        store.insert(job("wan", 0, T0), 2); // a running job no longer counts
        assertThat(store.queuedCount("wan")).isEqualTo(2);
    }

    @Test
    void list_filtersByModelStatesAndDialect() {
        Job a = queued("wan");
        Job b = store.insert(Job.create("ltx", "t2v", Dialect.OPENAI, "{}", Map.of(), 0, 1, "p", T0), NO_LIMIT);
        Job c = running("wan");
        assertThat(ids(store.list(JobQuery.newest(10).model("wan")))).containsExactly(c.id(), a.id());
        assertThat(ids(store.list(JobQuery.newest(10).states(Set.of(RUNNING, CANCELLING))))).containsExactly(c.id());
        assertThat(ids(store.list(JobQuery.newest(10).dialect(Dialect.OPENAI)))).containsExactly(b.id());
        assertThat(ids(store.list(JobQuery.newest(10).model("wan").states(Set.of(QUEUED))))).containsExactly(a.id());
    }

    @Test
    void list_pagesWithAfterCursor_inBothOrders_evenWithinOneMillisecond() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) all.add(store.insert(job("wan", 0, T0.plusMillis(i / 2)), NO_LIMIT).id());
        List<String> asc = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 3; page++) {
            List<Job> p = store.list(JobQuery.newest(2).ascending().after(after));
            asc.addAll(ids(p));
            if (!p.isEmpty()) after = p.getLast().id();
        }
        assertThat(asc).isEqualTo(all);
        List<Job> desc = store.list(JobQuery.newest(2).after(all.get(3)));
        assertThat(ids(desc)).containsExactly(all.get(2), all.get(1));
        assertThat(store.list(JobQuery.newest(2).after("j_unknown"))).isEmpty();
    }

    @Test
    void claimNext_takesHighestPriorityThenOldest_whenSeveralQueued() {
        Job low = store.insert(job("wan", 0, T0), NO_LIMIT);
        Job highLate = store.insert(job("wan", 10, T0.plusSeconds(2)), NO_LIMIT);
        Job highEarly = store.insert(job("wan", 10, T0.plusSeconds(1)), NO_LIMIT);
        Job lowSameMs = store.insert(job("wan", 0, T0), NO_LIMIT);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 4; i++) order.add(store.claimNext(List.of("wan"), "n", LEASE, T0).orElseThrow().id());
        assertThat(order).containsExactly(highEarly.id(), highLate.id(), low.id(), lowSameMs.id());
        assertThat(store.claimNext(List.of("wan"), "n", LEASE, T0)).isEmpty();
    }

    // issue 7: the dispatcher enhances a prompt before it takes the video model's lease, in line order
    @Test
    void claimNext_toEnhanceOrToRun_takesTheNextJobOnlyWhenItIsOfThatKind_neverSkippingTheLine() {
        Job enhance = store.insert(job("wan", 0, T0).withEnhancedPrompt("a cat"), NO_LIMIT); // pending: original = prompt
        Job plain = store.insert(job("wan", 0, T0.plusSeconds(1)), NO_LIMIT);

        assertThat(store.claimNext(List.of("wan"), "n", LEASE, T0, JobStore.Claim.TO_RUN)).isEmpty();
        assertThat(store.claimNext(List.of("wan"), "n", LEASE, T0, JobStore.Claim.TO_ENHANCE).orElseThrow().id())
                .isEqualTo(enhance.id());
        assertThat(store.claimNext(List.of("wan"), "n", LEASE, T0, JobStore.Claim.TO_ENHANCE)).isEmpty();
        assertThat(store.claimNext(List.of("wan"), "n", LEASE, T0, JobStore.Claim.TO_RUN).orElseThrow().id())
                .isEqualTo(plain.id());
        // an enhanced prompt is recorded, then the job is requeued: it is no longer waiting for the enhancer
        assertThat(track(open("n")).updatePrompt(store.get(enhance.id()).orElseThrow(), "a cat, in golden light", T0))
                .isPresent();
        store.transition(enhance.id(), RUNNING, QUEUED, null, "requeued", T0);
        assertThat(store.claimNext(List.of("wan"), "n", LEASE, T0, JobStore.Claim.TO_ENHANCE)).isEmpty();
        assertThat(store.claimNext(List.of("wan"), "n", LEASE, T0, JobStore.Claim.TO_RUN).orElseThrow().prompt())
                .isEqualTo("a cat, in golden light");
    }

    @Test
    void claimNext_takesOnlyListedModels_andSetsLeaseAndHistory() {
        queued("ltx");
        Job wan = queued("wan");
        assertThat(store.claimNext(List.of(), "n", LEASE, T0)).isEmpty();
        assertThat(store.claimNext(List.of("other"), "n", LEASE, T0)).isEmpty();
        Job c = store.claimNext(List.of("wan", "other"), "node-b", LEASE, T0.plusSeconds(1)).orElseThrow();
        assertThat(c.id()).isEqualTo(wan.id());
        assertThat(c.state()).isEqualTo(RUNNING);
        assertThat(c.lease().owner()).isEqualTo("node-b");
        assertThat(c.lease().expiresAt()).isEqualTo(T0.plusSeconds(31));
        assertThat(c.times().started()).isEqualTo(T0.plusSeconds(1));
        assertThat(c.version()).isEqualTo(wan.version() + 1);
        assertThat(store.history(c.id()).getLast()).satisfies(h -> {
            assertThat(h.from()).isEqualTo(QUEUED);
            assertThat(h.to()).isEqualTo(RUNNING);
            assertThat(h.node()).isEqualTo("node-b");
        });
    }

    @Test
    void heartbeat_extendsLease_onlyWhileTheNodeHoldsIt() {
        Job r = running("wan");
        Job renewed = store.heartbeat(r, LEASE, T0.plusSeconds(20)).orElseThrow();
        assertThat(store.get(r.id())).contains(renewed); // computed, not read back, yet exact
        assertThat(renewed.lease().expiresAt()).isEqualTo(T0.plusSeconds(50));
        assertThat(renewed.version()).isEqualTo(r.version());
        assertThat(track(open("node-b")).heartbeat(r, LEASE, T0.plusSeconds(20))).isEmpty();
        Job done = store.transition(r.id(), RUNNING, SUCCEEDED, null, "done", T0.plusSeconds(21));
        assertThat(store.heartbeat(r, LEASE, T0.plusSeconds(22))).isEmpty();   // stale: the version moved on
        assertThat(store.heartbeat(done, LEASE, T0.plusSeconds(22))).isEmpty(); // finished
    }

    @Test
    void transition_movesStateAppliesMutationBumpsVersionAndRecordsHistory() {
        Job r = running("wan");
        Job f = store.transition(r.id(), RUNNING, FAILED, j -> j.withError("oom", "CUDA out of memory"),
                "worker reported oom", T0.plusSeconds(5));
        assertThat(f.state()).isEqualTo(FAILED);
        assertThat(f.version()).isEqualTo(r.version() + 1);
        assertThat(f.failure().code()).isEqualTo("oom");
        assertThat(f.times().finished()).isEqualTo(T0.plusSeconds(5));
        assertThat(f.lease().owner()).isNull();
        assertThat(f.lease().expiresAt()).isNull();
        assertThat(store.get(r.id())).contains(f);
        HistoryEntry h = store.history(r.id()).getLast();
        assertThat(h).isEqualTo(new HistoryEntry(r.id(), RUNNING, FAILED, "worker reported oom", T0.plusSeconds(5), "node-a"));
    }

    @Test
    void transition_refusesForbiddenMove_withMessageNamingTheAllowedOnes() {
        Job q = queued("wan");
        assertThatThrownBy(() -> store.transition(q.id(), QUEUED, SUCCEEDED, null, "x", T0))
                .isInstanceOf(IllegalTransitionException.class)
                .hasMessageContaining(q.id()).hasMessageContaining("queued → succeeded is not allowed")
                .hasMessageContaining("running");
        assertThat(store.get(q.id()).orElseThrow()).isEqualTo(q);
        assertThat(store.history(q.id())).hasSize(1);
    }

    @Test
    void transition_refusesQueuedToRunning_becauseOnlyClaimNextGivesALease() {
        Job q = queued("wan");
        assertThatThrownBy(() -> store.transition(q.id(), QUEUED, RUNNING, null, "x", T0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("claimNext");
        assertThatThrownBy(() -> store.transition(q.id(), SUCCEEDED, QUEUED, null, "x", T0))
                .isInstanceOf(IllegalTransitionException.class).hasMessageContaining("nothing (it is finished)");
    }

    @Test
    void transition_refuses_whenJobIsNoLongerInExpectedState() {
        Job r = running("wan");
        store.transition(r.id(), RUNNING, SUCCEEDED, null, "done", T0);
        assertThatThrownBy(() -> store.transition(r.id(), RUNNING, CANCELLING, null, "user cancel", T0))
                .isInstanceOfSatisfying(IllegalTransitionException.class, e -> {
                    assertThat(e.current()).isEqualTo(SUCCEEDED);
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.getMessage()).contains("it is succeeded, not running");
                });
        assertThatThrownBy(() -> store.transition("j_nope", QUEUED, CANCELLED, null, "x", T0))
                .isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void transition_failsStale_whenJobChangedWhileMutationRan() {
        Job q = queued("wan");
        assertThatThrownBy(() -> store.transition(q.id(), QUEUED, FAILED, j -> {
            store.transition(q.id(), QUEUED, CANCELLED, null, "user cancel", T0); // lands in between
            return j.withError("enhancer", "prompt enhancer failed");
        }, "enhancer failed", T0)).isInstanceOf(StaleJobException.class);
        Job now = store.get(q.id()).orElseThrow();
        assertThat(now.state()).isEqualTo(CANCELLED);
        assertThat(now.failure().code()).isNull();
        assertThat(store.history(q.id())).extracting(HistoryEntry::to).containsExactly(QUEUED, CANCELLED);
    }

    @Test
    void updateProgress_changesProgress_withoutHistoryOrVersion() {
        Job r = running("wan");
        Job written = store.updateProgress(r, new Job.Progress(0.42, "denoise", 13, 30), T0.plusSeconds(3))
                .orElseThrow();
        Job p = store.get(r.id()).orElseThrow();
        assertThat(written).isEqualTo(p); // computed, not read back, yet exact
        assertThat(p.progress().fraction()).isEqualTo(0.42);
        assertThat(p.progress().stage()).isEqualTo("denoise");
        assertThat(p.progress().step()).isEqualTo(13);
        assertThat(p.progress().steps()).isEqualTo(30);
        assertThat(p.version()).isEqualTo(r.version());
        assertThat(store.history(r.id())).hasSize(2);
        assertThat(store.updateProgress(queued("wan"), new Job.Progress(0.5, "x", 1, 2), T0)).isEmpty();
        store.transition(r.id(), RUNNING, CANCELLING, null, "cancel requested", T0.plusSeconds(4));
        // stale: the cancel bumped the version since r was read
        assertThat(store.updateProgress(r, new Job.Progress(0.5, "x", 1, 2), T0.plusSeconds(5))).isEmpty();
    }

    @Test
    void addOutput_attachesOutputs_andReplacesOneWithTheSameName() {
        Job r = running("wan");
        store.addOutput(r.id(), new JobOutput("video", "/o/v.tmp", "video/mp4", 1, null));
        store.addOutput(r.id(), new JobOutput("video", "/o/v.mp4", "video/mp4", 1234, "ab12"));
        store.addOutput(r.id(), new JobOutput("thumbnail", "/o/t.jpg", "image/jpeg", 99, "cd34"));
        assertThat(store.get(r.id()).orElseThrow().outputs()).containsExactly(
                new JobOutput("thumbnail", "/o/t.jpg", "image/jpeg", 99, "cd34"),
                new JobOutput("video", "/o/v.mp4", "video/mp4", 1234, "ab12"));
        assertThatThrownBy(() -> store.addOutput("j_nope", new JobOutput("v", "/p", "video/mp4", 1, null)))
                .isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void reap_requeuesWithAttemptPlusOne_whenLeaseExpired() {
        Job r = running("wan");
        store.updateProgress(r, new Job.Progress(0.5, "denoise", 15, 30), T0);
        Job fresh = running("ltx");
        store.heartbeat(fresh, LEASE, T0.plusSeconds(25));
        List<Job> changed = Orphans.reap(track(open("node-reaper")), T0.plusSeconds(31));
        assertThat(changed).singleElement().satisfies(j -> {
            assertThat(j.id()).isEqualTo(r.id());
            assertThat(j.state()).isEqualTo(QUEUED);
            assertThat(j.attempts().count()).isEqualTo(1);
            assertThat(j.progress().fraction()).isZero();
            assertThat(j.lease().owner()).isNull();
        });
        assertThat(store.history(r.id()).getLast()).isEqualTo(new HistoryEntry(r.id(), RUNNING, QUEUED,
                "lease lost (node node-a stopped heart-beating)", T0.plusSeconds(31), "node-reaper"));
        assertThat(store.get(fresh.id()).orElseThrow().state()).isEqualTo(RUNNING);
        assertThat(store.claimNext(List.of("wan"), "node-b", LEASE, T0.plusSeconds(32))).isPresent();
    }

    @Test
    void reap_failsAsLost_whenMaxAttemptsReached() {
        Job j = store.insert(Job.create("wan", "t2v", Dialect.NATIVE, "{}", Map.of(), 0, 2, "p", T0), NO_LIMIT);
        Instant t = T0;
        for (int attempt = 1; attempt <= 2; attempt++) {
            store.claimNext(List.of("wan"), "node-a", LEASE, t).orElseThrow();
            t = t.plus(LEASE).plusSeconds(1);
            Orphans.reap(store, t);
        }
        Job failed = store.get(j.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(FAILED);
        assertThat(failed.attempts().count()).isEqualTo(2);
        assertThat(failed.failure().code()).isEqualTo("lost");
        assertThat(failed.failure().message()).contains("node-a").contains("attempt 2 of 2");
        assertThat(store.history(j.id())).extracting(HistoryEntry::to)
                .containsExactly(QUEUED, RUNNING, QUEUED, RUNNING, FAILED);
    }

    @Test
    void reap_cancels_whenCancellingJobLostItsLease() {
        Job r = running("wan");
        store.transition(r.id(), RUNNING, CANCELLING, null, "user cancel", T0);
        assertThat(Orphans.reap(store, T0.plusSeconds(31))).singleElement()
                .satisfies(j -> assertThat(j.state()).isEqualTo(CANCELLED));
    }

    @Test
    void reap_leavesJob_whenHeartbeatArrivesBeforeExpiry() {
        Job r = running("wan");
        assertThat(Orphans.reap(store, T0.plusSeconds(30))).isEmpty(); // expires at +30: not before it
        store.heartbeat(r, LEASE, T0.plusSeconds(29));
        assertThat(Orphans.reap(store, T0.plusSeconds(45))).isEmpty();
        assertThat(store.get(r.id()).orElseThrow().state()).isEqualTo(RUNNING);
    }

    @Test
    void queuePosition_isOneBasedInClaimOrder_andEmptyWhenNotQueued() {
        Job first = queued("wan");
        Job second = queued("wan");
        Job urgent = store.insert(job("wan", 9, T0.plusSeconds(1)), NO_LIMIT);
        queued("ltx");
        assertThat(store.queuePosition(urgent.id())).isEqualTo(OptionalInt.of(1));
        assertThat(store.queuePosition(first.id())).isEqualTo(OptionalInt.of(2));
        assertThat(store.queuePosition(second.id())).isEqualTo(OptionalInt.of(3));
        assertThat(store.queuedCount("wan")).isEqualTo(3);
        store.claimNext(List.of("wan"), "n", LEASE, T0);
        assertThat(store.queuePosition(urgent.id())).isEmpty();
        assertThat(store.queuePosition(second.id())).isEqualTo(OptionalInt.of(2));
        assertThat(store.queuePosition("j_nope")).isEmpty();
        assertThat(store.queuedCount("nobody")).isZero();
    }

    @Test
    void deleteFinishedBefore_returnsIdsOfOldFinishedJobs_andKeepsTheRest() {
        Job old = running("wan");
        store.transition(old.id(), RUNNING, SUCCEEDED, null, "done", T0.plusSeconds(10));
        store.addOutput(old.id(), new JobOutput("video", "/o/v.mp4", "video/mp4", 1, null));
        Job recent = running("wan");
        store.transition(recent.id(), RUNNING, FAILED, null, "failed", T0.plusSeconds(100));
        Job stillQueued = queued("wan");
        assertThat(store.deleteFinishedBefore(T0.plusSeconds(50))).containsExactly(old.id());
        assertThat(store.get(old.id())).isEmpty();
        assertThat(store.history(old.id())).isEmpty();
        assertThat(store.get(recent.id())).isPresent();
        assertThat(store.get(stillQueued.id())).isPresent();
    }

    @Test
    void finishedJobs_listsFinishedOnes_oldestFirst_withWhenTheyFinished() {
        Job later = running("wan");
        store.transition(later.id(), RUNNING, FAILED, null, "failed", T0.plusSeconds(100));
        Job earlier = running("wan");
        store.transition(earlier.id(), RUNNING, SUCCEEDED, null, "done", T0.plusSeconds(10));
        running("wan");
        queued("wan");

        assertThat(store.finishedJobs()).containsExactly(Map.entry(earlier.id(), T0.plusSeconds(10)),
                Map.entry(later.id(), T0.plusSeconds(100)));
    }

    @Test
    void updatePrompt_recordsTheRewrite_andTheOriginal_onlyWhileRunning_andBumpsTheVersion() {
        Job r = running("wan");
        Job written = store.updatePrompt(r, "a fluffy cat at dusk", T0.plusSeconds(1)).orElseThrow();
        Job after = store.get(r.id()).orElseThrow();
        assertThat(written).isEqualTo(after);
        assertThat(after.prompt()).isEqualTo("a fluffy cat at dusk");
        assertThat(after.originalPrompt()).isEqualTo("a cat");
        assertThat(after.version()).isGreaterThan(r.version());
        // the version bump makes a transition that read the row before the rewrite fail as stale, not undo it

        Job q = queued("wan");
        assertThat(store.updatePrompt(q, "x", T0)).isEmpty();
        assertThat(store.get(q.id()).orElseThrow().prompt()).isEqualTo("a cat");
    }

    @Test
    void delete_removesJobWithHistoryAndOutputs_whateverItsState() {
        Job r = running("wan");
        store.addOutput(r.id(), new JobOutput("video", "/o/v.mp4", "video/mp4", 1, null));
        assertThat(store.delete(r.id())).isTrue();
        assertThat(store.get(r.id())).isEmpty();
        assertThat(store.history(r.id())).isEmpty();
        assertThat(store.delete(r.id())).isFalse();
    }

    static List<String> ids(List<Job> jobs) { return jobs.stream().map(Job::id).toList(); }
}
