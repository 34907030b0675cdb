package dev.hearth.scheduler;

import dev.hearth.NoCapacityException;
import dev.hearth.QueueFullException;
import dev.hearth.catalog.HearthConfig;
import dev.hearth.EngineException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.hearth.scheduler.Specs.GIB;
import static dev.hearth.scheduler.Specs.config;
import static dev.hearth.scheduler.Specs.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The owner's threading, against in-memory fake engines (real engines are tested in their package). */
class SchedulerTest {

    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<FakeEngine> engines = new CopyOnWriteArrayList<>();
    private final List<ModelEvent> events = new CopyOnWriteArrayList<>();
    private final TestClock clock = new TestClock();
    private volatile String failWith;
    private Scheduler scheduler;

    private Scheduler start(HearthConfig config, long budget, Duration tick) {
        scheduler = new Scheduler(config, budget, spec -> {
            FakeEngine e = new FakeEngine(spec.name(), ready, failWith);
            engines.add(e);
            return e;
        }, clock, tick);
        scheduler.addListener(events::add);
        return scheduler;
    }

    @AfterEach
    void closeScheduler() {
        ready.countDown();
        if (scheduler != null) {
            scheduler.close();
        }
    }

    private ModelStatus status(String model) {
        return scheduler.status().stream().filter(s -> s.name().equals(model)).findFirst().orElseThrow();
    }

    @Test
    void FakeEngine_twentyConcurrentAcquiresFromTwentyThreads_startTheEngineOnceAndAllGetLeases() throws Exception {
        start(config(model("a", GIB).maxConcurrency(20)), 8 * GIB, Duration.ofSeconds(1));
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Lease>> leases = new CopyOnWriteArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                threads.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    leases.add(scheduler.acquire("a"));
                });
            }
            go.countDown();
        }
        await().until(() -> status("a").queued() == 20);
        assertThat(engines).hasSize(1);
        assertThat(leases).noneMatch(CompletableFuture::isDone);

        ready.countDown();

        List<Lease> granted = new ArrayList<>();
        for (CompletableFuture<Lease> f : leases) {
            granted.add(f.join());
        }
        assertThat(granted).hasSize(20).allSatisfy(l -> assertThat(l.engine()).isSameAs(engines.getFirst()));
        assertThat(engines.getFirst().starts).hasValue(1);
        assertThat(status("a").inFlight()).isEqualTo(20);

        granted.forEach(Lease::close);
        await().until(() -> status("a").state() == ModelState.READY && status("a").inFlight() == 0);
    }

    @Test
    void FakeEngine_cancellingAWaitingAcquire_freesItsQueuePlace() {
        start(config(model("a", GIB).maxQueue(1)), 8 * GIB, Duration.ofSeconds(1));
        CompletableFuture<Lease> first = scheduler.acquire("a");
        CompletableFuture<Lease> refused = scheduler.acquire("a");
        assertThatThrownBy(refused::join).hasCauseInstanceOf(QueueFullException.class);

        first.cancel(true);
        await().until(() -> status("a").queued() == 0);
        CompletableFuture<Lease> third = scheduler.acquire("a");
        ready.countDown();

        try (Lease lease = third.join()) {
            assertThat(lease.engine().model()).isEqualTo("a");
            assertThat(first).isCancelled();
            assertThat(status("a").inFlight()).isEqualTo(1);
        }
        await().until(() -> status("a").inFlight() == 0);
    }

    @Test
    void FakeEngine_leasesOnlyWaitedFor_queueWithdrawAndReleaseAsOthers() throws Exception {
        start(config(model("a", GIB).maxConcurrency(1).maxQueue(1)), 8 * GIB, Duration.ofSeconds(1));
        ready.countDown();
        Lease held = scheduler.acquireToWait("a").get(10, java.util.concurrent.TimeUnit.SECONDS);
        CompletableFuture<Lease> queued = scheduler.acquireToWait("a");
        await().until(() -> status("a").queued() == 1);
        assertThatThrownBy(() -> scheduler.acquireToWait("a").join()).hasCauseInstanceOf(QueueFullException.class);

        queued.cancel(false);
        await().until(() -> status("a").queued() == 0);
        CompletableFuture<Lease> next = scheduler.acquireToWait("a");
        held.close();

        try (Lease lease = next.get(10, java.util.concurrent.TimeUnit.SECONDS)) {
            assertThat(lease.engine().model()).isEqualTo("a");
            assertThat(status("a").inFlight()).isEqualTo(1);
        }
        await().until(() -> status("a").inFlight() == 0);
    }

    @Test
    void FakeEngine_closingALeaseTwice_releasesItOnce() {
        start(config(model("a", GIB).maxConcurrency(1)), 8 * GIB, Duration.ofSeconds(1));
        ready.countDown();
        Lease first = scheduler.acquire("a").join();
        CompletableFuture<Lease> second = scheduler.acquire("a");
        CompletableFuture<Lease> third = scheduler.acquire("a");

        first.close();
        first.close();

        Lease secondLease = second.join();
        await().until(() -> status("a").queued() == 1);
        assertThat(third).isNotDone();
        secondLease.close();
        third.join().close();
    }

    @Test
    void FakeEngine_loadFailure_failsTheAcquireWithTheEngineMessage() {
        failWith = "exit 1: no such model file";
        start(config(model("a", GIB)), 8 * GIB, Duration.ofSeconds(1));
        ready.countDown();

        assertThatThrownBy(() -> scheduler.acquire("a").join())
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(EngineException.class).hasMessageContaining("no such model file");
        assertThat(status("a")).extracting(ModelStatus::state, ModelStatus::lastError)
                .containsExactly(ModelState.FAILED, "exit 1: no such model file");
        assertThat(engines.getFirst().stops).as("a failed start is reaped").hasValue(1);
        assertThat(scheduler.usedBytes()).isZero();
    }

    @Test
    void FakeEngine_crash_freesMemory_andTheNextAcquireStartsAFreshEngine() {
        start(config(model("a", 2 * GIB)), 8 * GIB, Duration.ofSeconds(1));
        ready.countDown();
        Lease lease = scheduler.acquire("a").join();
        assertThat(scheduler.usedBytes()).isEqualTo(2 * GIB);

        engines.getFirst().crashed.complete("exit 139");
        await().until(() -> status("a").state() == ModelState.FAILED);
        assertThat(scheduler.usedBytes()).isZero();
        lease.close(); // still safe to close

        try (Lease again = scheduler.acquire("a").join()) {
            assertThat(engines).hasSize(2);
            assertThat(again.engine()).isSameAs(engines.get(1));
        }
        assertThat(events).extracting(ModelEvent::type).contains(ModelEvent.Type.CRASHED);
    }

    @Test
    void FakeEngine_idleModel_isUnloadedByTheTicker_onTheInjectedClock() {
        start(config(model("a", GIB).idle(Duration.ofMinutes(5))), 8 * GIB, Duration.ofMillis(20));
        ready.countDown();
        scheduler.acquire("a").join().close();
        await().until(() -> status("a").state() == ModelState.READY && status("a").inFlight() == 0);

        clock.advance(Duration.ofMinutes(5));

        await().until(() -> status("a").state() == ModelState.UNLOADED);
        assertThat(engines.getFirst().stops).hasValue(1);
        assertThat(events).anySatisfy(e -> assertThat(e)
                .extracting(ModelEvent::type, ModelEvent::reason)
                .containsExactly(ModelEvent.Type.UNLOADED, StopReason.IDLE));
    }

    @Test
    void FakeEngine_loadAndUnloadCommands_answerWithStatusAndFreedMemory() {
        start(config(model("a", 3 * GIB).aliases("alpha")), 8 * GIB, Duration.ofSeconds(1));
        ready.countDown();

        assertThat(scheduler.load("alpha").join().state()).isEqualTo(ModelState.READY);
        assertThat(scheduler.unload("a").join()).isEqualTo(new UnloadResult("unloaded", "a", 3 * GIB));
        assertThat(scheduler.unload("a").join().memoryFreedBytes()).isZero();
        assertThatThrownBy(() -> scheduler.acquire("nope").join()).cause().isInstanceOf(UnknownModelException.class);
    }

    @Test
    void FakeEngine_close_stopsEveryEngine_andRefusesNewWork() {
        start(config(model("a", GIB), model("b", GIB)), 8 * GIB, Duration.ofSeconds(1));
        ready.countDown();
        Lease held = scheduler.acquire("a").join();
        scheduler.acquire("b").join().close();

        scheduler.close();

        assertThat(engines).hasSize(2).allSatisfy(e -> assertThat(e.stops).hasValue(1));
        assertThat(scheduler.status()).allSatisfy(s -> assertThat(s.state()).isEqualTo(ModelState.UNLOADED));
        assertThatThrownBy(() -> scheduler.acquire("a").join()).cause()
                .isInstanceOf(NoCapacityException.class).hasMessageContaining("shutting down");
        held.close(); // after close: harmless
    }

    @Test
    void FakeEngine_close_duringALoad_stopsTheEngineOnceItsStartReturns() throws Exception {
        start(config(model("a", GIB)), 8 * GIB, Duration.ofSeconds(1));
        CompletableFuture<Lease> waiting = scheduler.acquire("a");
        await().until(() -> !engines.isEmpty() && engines.getFirst().starts.get() == 1);

        Thread closer = Thread.ofVirtual().start(scheduler::close);
        assertThatThrownBy(waiting::join).cause().isInstanceOf(NoCapacityException.class);
        assertThat(engines.getFirst().stops).as("never stop() while start() runs").hasValue(0);

        ready.countDown();
        closer.join();
        assertThat(engines.getFirst().stops).hasValue(1);
        assertThat(scheduler.status().getFirst().state()).isEqualTo(ModelState.UNLOADED);
    }

    /** Issue 6 item 12: a 429 storm must not queue on the owner thread that served requests need. */
    @Test
    void FakeEngine_fullQueue_refusesAtOnce_whileTheSchedulerThreadIsBusy() throws Exception {
        start(config(model("a", GIB).maxConcurrency(1).maxQueue(1), model("b", GIB)), 8 * GIB, Duration.ofSeconds(1));
        ready.countDown();
        Lease held = scheduler.acquire("a").join();
        CompletableFuture<Lease> queued = scheduler.acquire("a");
        await().until(() -> status("a").queued() == 1);
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduler.addListener(e -> { // listeners run inside the owner's events: this one holds the owner
            if (e.model().equals("b") && e.type() == ModelEvent.Type.LOADING) {
                busy.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        Thread.ofPlatform().start(() -> scheduler.load("b")); // its event runs on that thread, and blocks it
        assertThat(busy.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Lease> refused = scheduler.acquire("a");

        assertThat(refused).isCompletedExceptionally();
        assertThatThrownBy(refused::join).cause().isInstanceOf(QueueFullException.class)
                .hasMessageContaining("max_queue");
        assertThat(scheduler.queueFull("a")).isNotNull();
        release.countDown();
        held.close();
        queued.join().close();
        await().until(() -> scheduler.queueFull("a") == null);
    }
}
